// Keeps the benchmark harness alive: `npm run bench -- --quick` (tiny sizes, one repetition) must
// run every scenario, print its table and write JSON with every number present. It checks the
// plumbing, not the performance: quick numbers mean nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tincan-bench-test-'));
const out = join(dir, 'quick.json');

interface Row {
  case: string;
  variant: string;
  metrics: Record<string, unknown>;
  error?: string;
}
interface Report {
  quick: boolean;
  machine: { cores: number; cpuModel: string; node: string };
  scenarios: Record<string, { status: string; rows: Row[]; table: string; targets: unknown[] }>;
  targets: { scenario: string }[];
}

/** One number per scenario that a working run always makes positive. */
const PRIMARY: Record<string, string> = {
  A: 'deliveriesPerSecond',
  B: 'p99Ms',
  C: 'acksPerSecond',
  D: 'healthyP99Ms',
  E: 'heapPerConnectionAll',
  F: 'firstFrameMs',
  G: 'searchP50Ms',
  H: 'windowS',
  I: 'mibPerSecond',
  J: 'perSecond',
};

function runQuick(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', RUN, '--quick', `--out=${out}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('runs every scenario, prints the tables and writes complete JSON', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await runQuick();
    expect(code, `exit code; stderr:\n${stderr}`).toBe(0);

    for (const heading of [
      'A. Fan-out',
      'B. Latency',
      'C. Durable acks',
      'D. Slow consumer',
      'E. Idle memory',
      'F. Renderer',
      'G. Search',
      'H. Feeds',
      'I. Files',
      'J. TLS',
    ]) {
      expect(stdout).toContain(heading);
    }
    expect(stdout).toContain('Targets');
    expect(stdout).toMatch(/deliveries\/s/);

    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.quick).toBe(true);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(Object.keys(report.scenarios).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J']);

    for (const [id, primary] of Object.entries(PRIMARY)) {
      const scenario = report.scenarios[id]!;
      expect(scenario.status, id).toBe('done');
      expect(scenario.rows.length, id).toBeGreaterThan(0);
      expect(scenario.targets.length, id).toBeGreaterThan(0);
      for (const row of scenario.rows) {
        const where = `${id} ${row.case} ${row.variant}`;
        expect(row.error, where).toBeUndefined();
        for (const [key, value] of Object.entries(row.metrics)) {
          expect(typeof value === 'number' && Number.isFinite(value), `${where} ${key} = ${value}`).toBe(true);
        }
        expect(row.metrics[primary] as number, `${where} ${primary}`).toBeGreaterThan(0);
      }
    }
    // Tincan and every baseline are in the fan-out.
    expect(report.scenarios.A!.rows.map((r) => r.variant)).toEqual([
      'tincan',
      'ws-corked',
      'ws-frame-once',
      'ws-naive',
      'socketio',
    ]);
    // Files: the relay, then Tincan without and with hashing, then the memory run.
    expect(report.scenarios.I!.rows.map((r) => r.variant)).toEqual([
      'ws-relay',
      'tincan',
      'tincan-sha256',
      'tincan-memory',
    ]);
    // TLS: each case against the same host without TLS.
    expect(report.scenarios.J!.rows.map((r) => r.variant)).toEqual(['plain', 'tls', 'plain', 'tls']);
    // The renderer: Tincan's virtualized list against a plain {#each}.
    expect(report.scenarios.F!.rows.map((r) => r.variant)).toEqual(['tincan', 'plain-each']);
    expect(new Set(report.targets.map((t) => t.scenario))).toEqual(
      new Set(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J']),
    );
  });
});
