// `npm run bench`: Tincan's host against bare ws and Socket.IO, side by side in one run.
//
//   npm run bench                      every scenario, 5 repetitions each (about half an hour)
//   npm run bench -- --quick           tiny sizes, 1 repetition: checks the harness (npm test runs it)
//   npm run bench -- --only=A,B        some scenarios
//   npm run bench -- --reps=7 --out=/tmp/x.json
//   npm run bench -- --only=C --previous=abc1234   compare with another earlier build (default: PREVIOUS_BUILD)
//
// Servers run on core 0, the load generator on core 1 (taskset), each in its own process. Tables
// go to stdout, progress to stderr, and everything to bench/results/latest.json (quick mode:
// bench/results/quick.json). See docs/performance.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Context, ScenarioReport, Target } from './lib/scenario.ts';
import { previousBuild } from './lib/previous-build.ts';
import { hasTaskset, pinSelf } from './lib/spawn-host.ts';
import { Loadgen } from './lib/trial.ts';
import { durableAcks } from './scenarios/durable-acks.ts';
import { fanout } from './scenarios/fanout.ts';
import { feeds } from './scenarios/feeds.ts';
import { files } from './scenarios/files.ts';
import { idleMemory } from './scenarios/idle-memory.ts';
import { latency } from './scenarios/latency.ts';
import { renderer } from './scenarios/renderer.ts';
import { search } from './scenarios/search.ts';
import { slowConsumer } from './scenarios/slow-consumer.ts';
import { tls } from './scenarios/tls.ts';

const SCENARIOS: [string, (ctx: Context) => Promise<ScenarioReport>][] = [
  ['A', fanout],
  ['B', latency],
  ['C', durableAcks],
  ['D', slowConsumer],
  ['E', idleMemory],
  ['F', renderer],
  ['G', search],
  ['H', feeds],
  ['I', files],
  ['J', tls],
];

export function machine() {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  return {
    cores: cpus().length,
    cpuModel,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    pinned: hasTaskset ? 'server on core 0, load generator on core 1 (taskset)' : 'not pinned (no taskset)',
  };
}

function findPrevious(rev: string | undefined): Context['previous'] {
  try {
    return previousBuild(rev);
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}

function verdict(t: Target): string {
  return t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED';
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      reps: { type: 'string' },
      retries: { type: 'string' },
      out: { type: 'string' },
      previous: { type: 'string' },
    },
  });
  const quick = values.quick!;
  const only = values.only?.toUpperCase().split(',');
  const reps = Number(values.reps ?? (quick ? 1 : 5));
  const out = values.out ?? fileURLToPath(new URL(`results/${quick ? 'quick' : 'latest'}.json`, import.meta.url));
  pinSelf(1);
  const loadgen = new Loadgen();
  const ctx: Context = {
    quick,
    reps,
    retries: Number(values.retries ?? (quick ? 0 : 2)),
    loadgen,
    previous: quick ? { unavailable: 'not in quick runs' } : findPrevious(values.previous),
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const started = Date.now();
  const info = machine();
  const report = {
    generatedAt: new Date().toISOString(),
    quick,
    repetitions: reps,
    machine: info,
    scenarios: {} as Record<string, ScenarioReport>,
    targets: [] as Target[],
    durationSeconds: 0,
  };
  const save = () => {
    report.targets = Object.values(report.scenarios).flatMap((s) => s.targets);
    report.durationSeconds = Math.round((Date.now() - started) / 1000);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  };
  console.log(
    `Tincan benchmarks${quick ? ' (quick: tiny sizes, harness check only — not results)' : ''}: ` +
      `${info.cores} cores, ${info.cpuModel}, ${info.memoryGiB} GiB, Node ${info.node}; ${info.pinned}; ` +
      `median of ${reps} run${reps === 1 ? '' : 's'}`,
  );
  let errors = 0;
  try {
    for (const [id, run] of SCENARIOS) {
      if (only && !only.includes(id)) continue;
      ctx.log(`\n${id}: running…`);
      const result = await run(ctx);
      report.scenarios[id] = result;
      errors += result.rows.filter((r) => r.error).length;
      console.log(`\n${id}. ${result.title}\n${result.table}`);
      save();
    }
  } finally {
    loadgen.stop();
  }
  const targets = Object.values(report.scenarios).flatMap((s) => s.targets);
  console.log('\nTargets');
  for (const t of targets) {
    console.log(`  ${t.scenario}  ${verdict(t).padEnd(6)} ${t.name}: ${t.display} — goal ${t.goal}`);
  }
  console.log(
    '\nINVALID: the load generator saturated its core; * : other work on the machine used more than 15% of a core' +
      ' during the run even after retries.',
  );
  save();
  console.log(`\nWrote ${out} in ${report.durationSeconds} s.`);
  return errors > 0 ? 1 : 0;
}

process.exitCode = await main();
