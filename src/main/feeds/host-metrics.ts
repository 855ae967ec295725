import { readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';

/** One sample of the host's metrics: what the built-in `host-metrics` feed prints as a JSON line. */
export interface MetricsSample {
  /** Busy share of all CPUs since the last sample, percent. */
  cpu: number;
  /** Memory in use on the machine, percent. */
  mem: number;
  /** The host process's resident memory, MiB. */
  rss: number;
  /** Bytes received and sent per second on every interface but loopback, KiB/s (Linux; absent elsewhere). */
  rx?: number;
  tx?: number;
  /** Open WebSocket connections. */
  connections: number;
  /** Messages stored per second in every room. */
  messages: number;
}

export interface MetricsInputs {
  connections: () => number;
  /** Messages stored since the host started. */
  messagesStored: () => number;
  clock: () => number;
  /** Where to read network counters; default /proc/net/dev. Tests point it elsewhere. */
  netDevPath?: string;
}

interface Counters {
  at: number;
  busy: number;
  total: number;
  rx: number | undefined;
  tx: number | undefined;
  messages: number;
}

/** Differences between consecutive readings of the machine's counters. */
export class HostMetrics {
  readonly #inputs: MetricsInputs;
  #last: Counters;

  constructor(inputs: MetricsInputs) {
    this.#inputs = inputs;
    this.#last = this.#read();
  }

  /** A sample over the time since the previous one (or since construction). */
  sample(): MetricsSample {
    const now = this.#read();
    const last = this.#last;
    this.#last = now;
    const seconds = Math.max(0.001, (now.at - last.at) / 1000);
    const total = now.total - last.total;
    const sample: MetricsSample = {
      cpu: round(total > 0 ? ((now.busy - last.busy) / total) * 100 : 0),
      mem: round(((totalmem() - freemem()) / totalmem()) * 100),
      rss: round(process.memoryUsage.rss() / 1024 / 1024),
      connections: this.#inputs.connections(),
      messages: round((now.messages - last.messages) / seconds),
    };
    if (now.rx !== undefined && last.rx !== undefined) sample.rx = round((now.rx - last.rx) / 1024 / seconds);
    if (now.tx !== undefined && last.tx !== undefined) sample.tx = round((now.tx - last.tx) / 1024 / seconds);
    return sample;
  }

  #read(): Counters {
    let busy = 0;
    let total = 0;
    for (const { times } of cpus()) {
      const all = times.user + times.nice + times.sys + times.idle + times.irq;
      total += all;
      busy += all - times.idle;
    }
    const net = readNetDev(this.#inputs.netDevPath ?? '/proc/net/dev');
    return {
      at: this.#inputs.clock(),
      busy,
      total,
      rx: net?.rx,
      tx: net?.tx,
      messages: this.#inputs.messagesStored(),
    };
  }
}

/** Bytes received and sent on every interface but loopback, from Linux's /proc/net/dev; undefined elsewhere. */
export function readNetDev(path: string): { rx: number; tx: number } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (line.slice(0, colon).trim() === 'lo') continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    rx += fields[0] ?? 0;
    tx += fields[8] ?? 0;
  }
  return { rx, tx };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
