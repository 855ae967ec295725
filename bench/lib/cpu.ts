// CPU accounting for a measuring window: this process's own share of a core, and how busy each
// core was in total (from /proc/stat, Linux only). The difference between a core's busy share and
// what our process on it used is someone else's work: the runner reports it as interference, and
// retries a trial that was disturbed too much (other jobs share this machine).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** /proc/stat counts in USER_HZ ticks, 100 per second on every Linux architecture Node runs on. */
const TICK_MS = 10;

/** Busy ticks per core (user, nice, system, irq, softirq and steal), or [] off Linux. */
function coreTicks(): number[] {
  try {
    return readFileSync('/proc/stat', 'latin1')
      .split('\n')
      .filter((line) => /^cpu\d+ /.test(line))
      .map((line) => {
        const [, user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).map(Number);
        return user! + nice! + system! + irq! + softirq! + (steal ?? 0);
      });
  } catch {
    return [];
  }
}

export interface CpuWindow {
  wallMs: number;
  /** CPU time this process used, as a fraction of one core. */
  own: number;
  /** Busy fraction of each core over the window, whoever used it. */
  cores: number[];
}

/** Start measuring; call the returned function to stop. */
export function cpuWindow(): () => CpuWindow {
  const t0 = performance.now();
  const usage = process.cpuUsage();
  const ticks = coreTicks();
  return () => {
    const wallMs = performance.now() - t0;
    const used = process.cpuUsage(usage);
    const now = coreTicks();
    return {
      wallMs,
      own: (used.user + used.system) / 1000 / wallMs,
      cores: now.map((t, i) => ((t - (ticks[i] ?? t)) * TICK_MS) / wallMs),
    };
  };
}

/** Busy share of each core over the next `ms`. */
export async function coreBusy(ms: number): Promise<number[]> {
  const t0 = performance.now();
  const before = coreTicks();
  await new Promise((r) => setTimeout(r, ms));
  const after = coreTicks();
  const wall = performance.now() - t0;
  return after.map((t, i) => ((t - (before[i] ?? t)) * TICK_MS) / wall);
}

/**
 * Wait (up to `maxMs`) until no core is busier than `threshold`: other jobs on a shared machine
 * come in bursts, and a trial started in one measures them. Resolves with how long it waited.
 */
export async function waitForQuiet(maxMs: number, threshold = 0.1): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < maxMs) {
    const busy = await coreBusy(300);
    if (busy.every((b) => b <= threshold)) break;
  }
  return performance.now() - t0;
}
