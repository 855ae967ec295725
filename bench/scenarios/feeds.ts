// H. Feeds: one command printing lines, watched by many viewers. Tincan runs the command once and
// shares it through the room (lines coalesced into stored batches); websocketd, the classic tool,
// runs one process per connection. Both servers and every process they start run on core 0, the
// viewers on core 1. A server's cost is the CPU time of its whole process tree over the window (the
// Node host and its command; websocketd and every command it forked), read from /proc: host CPU
// per delivered line = that time ÷ line deliveries. Latency is from the moment a line is
// printed (its first field) to the last viewer that got it, per line; p99 over the lines.
//
// The flood case runs Tincan alone: a command printing 100,000 lines/s into a room whose members
// also chat; their chat round trip is compared with the same room without the flood, and the
// host's memory is read at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViewersJob, ViewersResult } from '../lib/feed-viewers.ts';
import type { ServerSample } from '../lib/probe.ts';
import {
  bytes,
  flagged,
  ms,
  num,
  pct,
  ratio,
  repeat,
  table,
  type Context,
  type Row,
  type ScenarioReport,
  type Target,
} from '../lib/scenario.ts';
import { hasTaskset, spawnPinned, spawnServer, type BenchServer } from '../lib/spawn-host.ts';
import { hasChromium, launchChromium } from '../../test/helpers/browser.ts';
import { spawnHost } from '../../test/helpers/host-process.ts';
import { buildWebClient } from '../../test/helpers/web-build.ts';

const VIEWERS = fileURLToPath(new URL('../lib/feed-viewers.ts', import.meta.url));
const FEED_HOST = fileURLToPath(new URL('../feed-host.ts', import.meta.url));
export const hasWebsocketd = spawnSync('websocketd', ['--version']).status === 0;

/**
 * The command every viewer watches: `rate` lines a second, each "<print time, ms> <n> <40 x>", paced
 * against the clock. Perl: small enough to run 500 copies for websocketd. Below 10,000 lines/s each
 * line is written as it is printed (a log); the flood lets Perl buffer, as a fast program would.
 */
export function producer(rate: number): string[] {
  const flush = rate < 10_000 ? 1 : 0;
  return [
    'perl',
    '-e',
    `use Time::HiRes qw(time sleep); $|=${flush}; my $r=${rate}; my $t0=time; my $i=0; my $pad='x' x 40;` +
      `while (1) { $i++; my $d=$t0+$i/$r-time; sleep($d) if $d>0.0005; printf("%.3f %d %s\\n", time*1000, $i, $pad); }`,
  ];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

interface Server {
  port: number;
  pid: number;
  probe?: BenchServer;
  stop(): Promise<void>;
}

async function startTincan(command: string[] | undefined, dataDir: string): Promise<Server> {
  const probe = await spawnServer({
    kind: 'tincan',
    script: FEED_HOST,
    options: { dataDir, ...(command ? { command } : {}) } as never,
  });
  return {
    port: probe.port,
    pid: probe.child.pid!,
    probe,
    async stop() {
      // SIGTERM: the host stops its feed (the producer's whole process group) before it exits.
      const exited = new Promise((resolve) => probe.child.once('exit', resolve));
      probe.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      await probe.stop();
    },
  };
}

async function startWebsocketd(command: string[]): Promise<Server> {
  const port = await freePort();
  const args = [`--port=${port}`, '--address=127.0.0.1', '--loglevel=fatal', ...command];
  // Its own process group: stopping it also ends every producer it started.
  const child: ChildProcess = hasTaskset
    ? spawn('taskset', ['-c', '0', 'websocketd', ...args], { stdio: 'ignore', detached: true })
    : spawn('websocketd', args, { stdio: 'ignore', detached: true });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(true));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    pid: child.pid!,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}

function runViewers(job: ViewersJob, timeoutMs: number): Promise<ViewersResult> {
  const child = spawnPinned(1, ['--expose-gc', '--disable-warning=ExperimentalWarning', VIEWERS]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`viewers: no result after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (message: { type: string; result?: ViewersResult; message?: string }) => {
      clearTimeout(timer);
      if (message.type === 'result') resolve(message.result!);
      else reject(new Error(`viewers: ${message.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`viewers exited (${code})`));
    });
    child.send(job);
  });
}

type Data = { server: 'tincan' | 'websocketd'; rate: number; viewers: number; chat?: number; flood?: boolean };

export async function feeds(ctx: Context): Promise<ScenarioReport> {
  const params = {
    linesPerSecond: ctx.quick ? 200 : 1000,
    viewers: ctx.quick ? [5] : [100, 500],
    floodLinesPerSecond: ctx.quick ? 10_000 : 100_000,
    floodViewers: ctx.quick ? 3 : 20,
    chatPerSecond: 20,
    warmupMs: ctx.quick ? 500 : 2000,
    measureMs: ctx.quick ? 1000 : 10_000,
    repetitions: ctx.reps,
    lineBytes: 60,
  };
  const watchCase = (n: number) => `${params.linesPerSecond} lines/s, ${n} viewers`;
  const floodCase = `${params.floodLinesPerSecond.toLocaleString('en')} lines/s flood`;
  const variants = [
    ...params.viewers.flatMap((viewers) => [
      {
        case: watchCase(viewers),
        variant: 'tincan',
        label: 'Tincan (one shared process)',
        data: { server: 'tincan', rate: params.linesPerSecond, viewers } as Data,
      },
      {
        case: watchCase(viewers),
        variant: 'websocketd',
        label: 'websocketd (a process per viewer)',
        data: { server: 'websocketd', rate: params.linesPerSecond, viewers } as Data,
      },
    ]),
    {
      case: floodCase,
      variant: 'tincan-idle',
      label: 'Tincan, room without the flood',
      data: { server: 'tincan', rate: 0, viewers: params.floodViewers, chat: params.chatPerSecond } as Data,
    },
    {
      case: floodCase,
      variant: 'tincan-flood',
      label: 'Tincan, room with the flood',
      data: {
        server: 'tincan',
        rate: params.floodLinesPerSecond,
        viewers: params.floodViewers,
        chat: params.chatPerSecond,
        flood: true,
      } as Data,
    },
  ];
  const rows = await repeat(ctx, variants, async ({ data }) => {
    if (data.server === 'websocketd' && !hasWebsocketd)
      throw new Error('websocketd is not installed (apt-get install websocketd)');
    const dataDir = mkdtempSync(join(tmpdir(), 'tincan-bench-feeds-'));
    const command = data.rate > 0 ? producer(data.rate) : undefined;
    const server = data.server === 'tincan' ? await startTincan(command, dataDir) : await startWebsocketd(command!);
    try {
      await server.probe?.request('reset');
      const result = await runViewers(
        {
          flavor: data.server,
          port: server.port,
          serverPid: server.pid,
          connectTimeoutMs: 60_000,
          viewers: data.viewers,
          warmupMs: params.warmupMs,
          measureMs: params.measureMs,
          ...(data.chat ? { chatPerSecond: data.chat } : {}),
        },
        params.warmupMs + params.measureMs + 120_000,
      );
      const sample: ServerSample | undefined = await server.probe?.request('sample');
      const serverCore = result.serverCpuMs / result.cpu.wallMs;
      const cpuMs = result.serverCpuMs;
      return {
        // Only the numbers each kind of row has (the quick test wants every metric a number).
        metrics: {
          windowS: result.cpu.wallMs / 1000,
          serverCore,
          connected: result.connected,
          deliveredPerSecond: result.delivered / (result.cpu.wallMs / 1000),
          ...(data.chat
            ? {
                chatP50Ms: result.chat!.p50Ms,
                chatP99Ms: result.chat!.p99Ms,
                chatLost: result.chat!.sent - result.chat!.received,
                skippedByHost: result.skippedByHost,
              }
            : {
                cpuPerLineUs: (cpuMs * 1000) / result.delivered,
                p50Ms: result.lastViewer.p50Ms,
                p99Ms: result.lastViewer.p99Ms,
                maxMs: result.lastViewer.maxMs,
                unfinished: result.unfinished,
              }),
          ...(sample ? { hostRss: sample.memory.rss, hostPeakRss: sample.peak.rss } : {}),
        },
        loadgenCpu: result.cpu.own,
        interference: [
          Math.max(0, (result.cpu.cores[0] ?? 0) - serverCore),
          Math.max(0, (result.cpu.cores[1] ?? 0) - result.cpu.own),
        ] as [number, number],
        attempts: 1,
      };
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const find = (c: string, v: string) => rows.find((r) => r.case === c && r.variant === v);
  const trusted = (r: Row | undefined): r is Row => !!r && !r.invalid && !r.error;
  const targets: Target[] = [];
  const out: string[][] = [];
  for (const viewers of params.viewers) {
    const ours = find(watchCase(viewers), 'tincan');
    const theirs = find(watchCase(viewers), 'websocketd');
    for (const row of [ours, theirs]) {
      if (!row) continue;
      const m = row.metrics;
      out.push([
        row.case,
        row.label,
        flagged(row, num(m.cpuPerLineUs, 2)),
        flagged(row, ms(m.p50Ms)),
        flagged(row, ms(m.p99Ms)),
        ms(m.maxMs),
        num(m.deliveredPerSecond),
        num(m.unfinished),
        pct(m.serverCore!),
        pct(row.loadgenCpuMax),
        row.error ?? '',
      ]);
    }
    const both = trusted(ours) && trusted(theirs);
    const cpu = both ? ours.metrics.cpuPerLineUs! / theirs.metrics.cpuPerLineUs! : null;
    targets.push({
      scenario: 'H',
      name: `host CPU per delivered line, ${viewers} viewers`,
      goal: '≤ 0.3× websocketd',
      value: cpu,
      display:
        cpu === null
          ? 'not measured'
          : `${ratio(cpu)} (${num(ours!.metrics.cpuPerLineUs, 2)} vs ${num(theirs!.metrics.cpuPerLineUs, 2)} µs)`,
      met: cpu === null ? null : cpu <= 0.3,
    });
    // websocketd may deliver so few lines to every viewer that none reached them all: its p99 is unbounded.
    const starved = both && !Number.isFinite(theirs.metrics.p99Ms!) && theirs.metrics.unfinished! > 0;
    const p99 = starved ? 0 : both ? ours.metrics.p99Ms! / theirs.metrics.p99Ms! : null;
    targets.push({
      scenario: 'H',
      name: `p99 print → last viewer, ${viewers} viewers`,
      goal: '≤ websocketd',
      value: p99,
      display:
        p99 === null
          ? 'not measured'
          : starved
            ? `${ms(ours!.metrics.p99Ms)} ms vs unbounded (websocketd got no line to all ${viewers} viewers in the window)`
            : `${ratio(p99)} (${ms(ours!.metrics.p99Ms)} vs ${ms(theirs!.metrics.p99Ms)} ms)`,
      met: p99 === null ? null : p99 <= 1,
    });
  }
  const idle = find(floodCase, 'tincan-idle');
  const flood = find(floodCase, 'tincan-flood');
  const floodRows: string[][] = [idle, flood]
    .filter((r): r is Row => !!r)
    .map((row) => [
      row.label,
      flagged(row, ms(row.metrics.chatP50Ms)),
      flagged(row, ms(row.metrics.chatP99Ms)),
      num(row.metrics.chatLost),
      num(row.metrics.deliveredPerSecond),
      num(row.metrics.skippedByHost),
      bytes(row.metrics.hostRss),
      bytes(row.metrics.hostPeakRss),
      pct(row.metrics.serverCore!),
      row.error ?? '',
    ]);
  const chat = trusted(idle) && trusted(flood) ? flood.metrics.chatP99Ms! / idle.metrics.chatP99Ms! : null;
  targets.push({
    scenario: 'H',
    name: `chat p99 in a room flooded with ${params.floodLinesPerSecond.toLocaleString('en')} lines/s`,
    goal: '≤ 3× idle',
    value: chat,
    display:
      chat === null
        ? 'not measured'
        : `${ratio(chat)} (${ms(flood!.metrics.chatP99Ms)} vs ${ms(idle!.metrics.chatP99Ms)} ms)`,
    met: chat === null ? null : chat <= 3,
  });
  const peak = trusted(flood) ? flood.metrics.hostPeakRss! : null;
  targets.push({
    scenario: 'H',
    name: 'host memory under the flood',
    goal: 'bounded (peak RSS under 256 MiB)',
    value: peak,
    display: peak === null ? 'not measured' : bytes(peak),
    met: peak === null ? null : peak < 256 * 1024 * 1024,
  });
  const chart = await chartCase(ctx.quick ? 2_000 : 60_000, ctx.log);
  rows.push(chart.row);
  targets.push(chart.target);
  return {
    id: 'H',
    title: 'Feeds: one command watched by many, against websocketd; a flood in a chatting room',
    params,
    rows,
    table:
      table(
        [
          'case',
          'server',
          'CPU µs/line',
          'p50 ms',
          'p99 ms',
          'max ms',
          'lines/s delivered',
          'unfinished',
          'server core',
          'viewers CPU (max)',
          '',
        ],
        out,
      ) +
      '\n\n' +
      table(
        [
          'flood',
          'chat p50 ms',
          'chat p99 ms',
          'chat lost',
          'lines/s delivered',
          'skipped by host',
          'host RSS',
          'peak RSS',
          'server core',
          '',
        ],
        floodRows,
      ),
    targets,
    status: 'done',
  };
}

/**
 * The renderer's side: the web client in Chromium charting a feed of 10 numbers printed 20 times a
 * second, for `durationMs`; long tasks (over 50 ms on the main thread) counted while it draws.
 */
export async function chartCase(
  durationMs: number,
  log: (line: string) => void,
): Promise<{ row: Row; target: Target; table: string }> {
  const row: Row = {
    case: 'chart, 10 series at 20 Hz',
    variant: 'tincan-renderer',
    label: 'web client in Chromium',
    metrics: { windowS: durationMs / 1000, longTasks: NaN, longTaskMs: NaN, series: NaN, lines: NaN },
    loadgenCpuMax: NaN,
    interferenceMax: NaN,
    invalid: false,
    disturbed: false,
    samples: [],
  };
  const dir = mkdtempSync(join(tmpdir(), 'tincan-bench-chart-'));
  try {
    if (!hasChromium) throw new Error('Chromium is not installed');
    const gauge = join(dir, 'gauge.js');
    writeFileSync(
      gauge,
      `let i = 0; setInterval(() => { const o = {}; for (let k = 0; k < 10; k++) o['s' + k] = Math.sin(i / 20 + k) * 10 + k * 5; i++; console.log(JSON.stringify(o)); }, 50);`,
    );
    const webRoot = await buildWebClient();
    const host = await spawnHost([
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--data',
      join(dir, 'data'),
      '--web',
      webRoot,
      '--feed',
      `gauges=${process.execPath} ${gauge}`,
    ]);
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
      await page.goto(`http://127.0.0.1:${host.port}/`);
      await page.locator('#nick').fill('Bench');
      await page.locator('#nick').press('Enter');
      await page.locator('li', { hasText: 'gauges' }).getByRole('button', { name: 'Join' }).click();
      await page.locator('.feed-chart').waitFor({ timeout: 15_000 });
      await page.evaluate(() => {
        const w = window as unknown as { __long: number[] };
        w.__long = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) w.__long.push(entry.duration);
        }).observe({ type: 'longtask' });
      });
      await page.waitForTimeout(durationMs);
      const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
      const series = Number(await page.locator('.feed-chart').getAttribute('data-series'));
      const lines = await page.locator('.spacer .feed').count();
      row.metrics = {
        longTasks: long.length,
        longTaskMs: long.reduce((a, b) => a + b, 0),
        windowS: durationMs / 1000,
        series,
        lines,
      };
      log(`  chart · ${series} series · ${durationMs / 1000} s: ${long.length} long tasks`);
    } finally {
      await browser.close();
      host.child.kill('SIGTERM');
      await host.exited;
      rmSync(webRoot, { recursive: true, force: true });
    }
  } catch (error) {
    row.error = error instanceof Error ? error.message : String(error);
    log(`  chart: ERROR ${row.error}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const m = row.metrics;
  const measured = !row.error;
  return {
    row,
    target: {
      scenario: 'H',
      name: `renderer: a chart of 10 series at 20 Hz for ${durationMs / 1000} s in Chromium`,
      goal: '0 long tasks',
      value: measured ? m.longTasks! : null,
      display: measured
        ? `${m.longTasks} long tasks (${num(m.longTaskMs)} ms), ${m.series} series`
        : `not measured: ${row.error}`,
      met: measured ? m.longTasks === 0 && m.series === 10 : null,
    },
    table: table(
      ['chart', 'series', 'seconds', 'long tasks', 'long-task ms', ''],
      [[row.label, num(m.series), num(m.windowS), num(m.longTasks), num(m.longTaskMs), row.error ?? '']],
    ),
  };
}
