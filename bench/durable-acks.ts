// Durable acks: messages acked per second and ack latency with storage on (fsync per commit, and
// WAL without fsync) against the same host with storage off (in-memory SQLite). Host and load
// generator run in separate processes on separate cores.
//
//   node bench/durable-acks.ts [--quick]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../src/shared/protocol/index.ts';
import { pinSelf, spawnBenchHost } from './lib/spawn-host.ts';
import { coreShare, median, percentile } from './lib/stats.ts';

type Mode = 'full' | 'normal' | 'memory';
const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.5 : 3;
const REPEATS = quick ? 1 : 5;
/** Saturated: many clients, many sends in flight. Light: one send in flight per client, to see the path's own latency. */
const LOADS = {
  saturated: { clients: quick ? 4 : 32, window: 16 },
  light: { clients: 4, window: 1 },
} as const;
type Load = keyof typeof LOADS;

export interface AckResult {
  load: Load;
  mode: Mode;
  acksPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  loadgenCore: number;
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function once(load: Load, mode: Mode): Promise<AckResult> {
  const { clients: CLIENTS, window: WINDOW } = LOADS[load];
  const dir = mode === 'memory' ? null : mkdtempSync(join(tmpdir(), 'tincan-bench-'));
  const rooms = Array.from({ length: CLIENTS }, (_, i) => `bench-${i}`);
  const host = await spawnBenchHost({ dataDir: dir, durability: mode === 'memory' ? 'normal' : mode, rooms });
  const url = `ws://127.0.0.1:${host.port}/ws`;
  const latencies: number[] = [];
  let acked = 0;
  let running = true;
  const sockets = await Promise.all(rooms.map(() => open(url)));
  await Promise.all(
    sockets.map(
      (ws, i) =>
        new Promise<void>((resolve) => {
          ws.send(
            JSON.stringify({
              type: 'hello',
              protocol: PROTOCOL_VERSION,
              client: { name: 'bench' },
              deviceId: `bench-device-${i}`,
              nick: `b${i}`,
            }),
          );
          ws.send(JSON.stringify({ type: 'join', room: rooms[i] }));
          const onJoined = (data: Buffer) => {
            if (data.toString().startsWith('{"type":"joined"')) {
              ws.off('message', onJoined);
              resolve();
            }
          };
          ws.on('message', onJoined);
        }),
    ),
  );
  const cpu = process.cpuUsage();
  const start = performance.now();
  sockets.forEach((ws, i) => {
    const sentAt = new Map<string, number>();
    let n = 0;
    const sendOne = () => {
      const id = `m${n++}`;
      sentAt.set(id, performance.now());
      ws.send(
        `{"type":"send","room":"${rooms[i]}","id":"${id}","text":"benchmark message ${id} with some words in it"}`,
      );
    };
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (!text.startsWith('{"type":"ack"')) return;
      const { id } = JSON.parse(text) as { id: string };
      latencies.push(performance.now() - sentAt.get(id)!);
      sentAt.delete(id);
      acked++;
      if (running) sendOne();
    });
    for (let k = 0; k < WINDOW; k++) sendOne();
  });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  running = false;
  const wall = performance.now() - start;
  const result = acked;
  const loadgenCore = coreShare(cpu, wall);
  for (const ws of sockets) ws.terminate();
  await host.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    load,
    mode,
    acksPerSecond: (result / wall) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    loadgenCore,
  };
}

const MODES: Mode[] = ['full', 'normal', 'memory'];

/** Run every mode REPEATS times, interleaved, and keep the median of each number. */
export async function durableAcks(load: Load): Promise<AckResult[]> {
  const runs = new Map<Mode, AckResult[]>(MODES.map((m) => [m, []]));
  for (let r = 0; r < REPEATS; r++) for (const mode of MODES) runs.get(mode)!.push(await once(load, mode));
  return MODES.map((mode) => {
    const list = runs.get(mode)!;
    return {
      load,
      mode,
      acksPerSecond: median(list.map((x) => x.acksPerSecond)),
      p50Ms: median(list.map((x) => x.p50Ms)),
      p99Ms: median(list.map((x) => x.p99Ms)),
      loadgenCore: Math.max(...list.map((x) => x.loadgenCore)),
    };
  });
}

if (import.meta.main) {
  pinSelf(1);
  const label: Record<Mode, string> = {
    full: 'on (fsync/commit)',
    normal: 'on (WAL, no fsync)',
    memory: 'off (in memory)',
  };
  for (const load of Object.keys(LOADS) as Load[]) {
    const results = await durableAcks(load);
    const memory = results.find((r) => r.mode === 'memory')!;
    const { clients, window } = LOADS[load];
    console.log(
      `\nDurable acks, ${load}: ${clients} clients × ${window} in flight, ${SECONDS}s × ${REPEATS} runs (median)`,
    );
    console.log('storage            acks/s    p50 ms   p99 ms   vs storage off   load-gen core');
    for (const r of results) {
      const invalid = r.loadgenCore > 0.95 ? '  INVALID: load generator saturated' : '';
      console.log(
        `${label[r.mode].padEnd(18)} ${r.acksPerSecond.toFixed(0).padStart(7)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(8)} ${(r.acksPerSecond / memory.acksPerSecond).toFixed(2).padStart(12)}× ${(r.loadgenCore * 100).toFixed(0).padStart(12)}%${invalid}`,
      );
    }
  }
}
