// Runs inside every benchmark server (Tincan's host and each baseline) and answers the runner over
// IPC: its own CPU share, event-loop delay, and memory (now and peak), so the numbers come from the
// server's process and not from the load generator's guess. Servers run with --expose-gc so `gc`
// can settle the heap before an idle-memory reading.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** Event-loop delay histogram resolution, ms. The histogram records whole timer intervals, so lag = value − this. */
export const ELD_RESOLUTION_MS = 2;

export interface Memory {
  rss: number;
  heapUsed: number;
  /** heapUsed + external: V8 objects plus the Buffers (queued socket writes) they hold. */
  heap: number;
  external: number;
}

export interface ServerSample {
  cpuShare: number;
  /** The part of cpuShare spent in the kernel (socket writes and reads, on loopback also TCP receive work). */
  cpuSystemShare: number;
  lag: { p50Ms: number; p99Ms: number; maxMs: number; meanMs: number };
  /**
   * The share of the window the main thread was ready to run but waited for a CPU (Linux
   * schedstat; null elsewhere): its own helper threads (GC, file system) on the same core, or others.
   */
  mainWaitShare: number | null;
  memory: Memory;
  peak: Memory;
}

export type ProbeRequest = { id: number; cmd: 'reset' | 'sample' | 'gc' };
export type ProbeMessage =
  | { type: 'ready'; port: number }
  | { type: 'reply'; id: number; sample: ServerSample }
  | { type: 'event'; name: string; at: number; value?: number };

/** ns the main thread has waited on a run queue (the leader task's schedstat), or null without one. */
function mainThreadWaitNs(): number | null {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]);
  } catch {
    return null;
  }
}

function memory(): Memory {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heap: m.heapUsed + m.external, external: m.external };
}

function maxOf(a: Memory, b: Memory): Memory {
  return {
    rss: Math.max(a.rss, b.rss),
    heapUsed: Math.max(a.heapUsed, b.heapUsed),
    heap: Math.max(a.heap, b.heap),
    external: Math.max(a.external, b.external),
  };
}

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Tell the runner that something happened (e.g. a slow consumer was dropped), with the time. */
export function emitEvent(name: string, value?: number): void {
  process.send?.({
    type: 'event',
    name,
    at: epochNow(),
    ...(value !== undefined ? { value } : {}),
  } satisfies ProbeMessage);
}

/** Start answering the runner; announce the port (over IPC, or on stdout when run by hand). */
export function startProbe(port: number): void {
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  let cpu = process.cpuUsage();
  let since = performance.now();
  let waited = mainThreadWaitNs();
  let peak = memory();
  setInterval(() => (peak = maxOf(peak, memory())), 50).unref();
  const lagMs = (ns: number) => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS);
  const sample = (): ServerSample => {
    const used = process.cpuUsage(cpu);
    const now = memory();
    peak = maxOf(peak, now);
    const waitedNow = mainThreadWaitNs();
    return {
      cpuShare: (used.user + used.system) / 1000 / (performance.now() - since),
      cpuSystemShare: used.system / 1000 / (performance.now() - since),
      lag: {
        p50Ms: lagMs(eld.percentile(50)),
        p99Ms: lagMs(eld.percentile(99)),
        maxMs: lagMs(eld.max),
        meanMs: lagMs(eld.mean),
      },
      mainWaitShare:
        waited === null || waitedNow === null ? null : (waitedNow - waited) / 1e6 / (performance.now() - since),
      memory: now,
      peak,
    };
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (request: ProbeRequest) => {
    if (request.cmd === 'gc') {
      for (let i = 0; i < 3; i++) gc?.();
    }
    const reply = sample();
    if (request.cmd === 'reset' || request.cmd === 'gc') {
      eld.reset();
      cpu = process.cpuUsage();
      since = performance.now();
      waited = mainThreadWaitNs();
      peak = memory();
    }
    process.send?.({ type: 'reply', id: request.id, sample: reply } satisfies ProbeMessage);
  });
  // The runner went away (killed, crashed): do not linger.
  process.on('disconnect', () => process.exit(0));
  if (process.send) process.send({ type: 'ready', port } satisfies ProbeMessage);
  else process.stdout.write(`PORT ${port}\n`);
}
