// The load generator: a child process of bench/run.ts, pinned to core 1, that opens the client
// connections, drives traffic and measures. It runs one job at a time (sent over IPC) and asks the
// runner to sample the server at checkpoints ("start", "end", …), so the server's numbers cover the
// same window as its own. It measures its own CPU share over the window: a load generator that
// saturates its core measures itself, not the server, and the runner marks such a result INVALID.
import { performance } from 'node:perf_hooks';
import { cpuWindow, type CpuWindow } from './cpu.ts';
import { epochNow } from './probe.ts';
import { connectAll, Kind, RawClient, type Flavor } from './raw-client.ts';
import { filesJob, type FilesJob, type FilesResult } from './files-job.ts';
import { searchJob, type SearchJob, type SearchResult } from './search-job.ts';
import { percentile } from './stats.ts';

interface Common {
  flavor: Flavor;
  port: number;
  clients: number;
  /** Connect over TLS (wss://): the server speaks TLS. */
  tls?: boolean;
}

/** Clients in one room; `senders` of them send chat messages, which everyone receives. */
export interface RoomJob extends Common {
  kind: 'room';
  senders: number;
  /** UTF-8 bytes of each message's text. */
  textBytes: number;
  /** Chinese text (3 bytes a character): up to 24 KB within the protocol's 8000-character limit. */
  cjk?: boolean;
  /** Closed loop (at most `window` messages not yet received by every client) or a fixed rate. */
  load: { window: number } | { rate: number };
  warmupMs: number;
  measureMs: number;
  /** The last client stops reading when the window starts (a slow consumer). */
  slow?: boolean;
  /**
   * Sleep this long (without using CPU) each time round the event loop, so that frames pile up in
   * the sockets and each read takes several: far fewer syscalls per delivery. Adds up to that much
   * latency, so only for throughput (with a window large enough to keep the server busy).
   */
  coalesceMs?: number;
}

/** Each client in its own room, `window` sends in flight each: messages acked per second. */
export interface AcksJob extends Common {
  kind: 'acks';
  window: number;
  textBytes: number;
  warmupMs: number;
  measureMs: number;
}

/** Connect in two halves and let the runner read the server's memory after each (and before). */
export interface IdleJob extends Common {
  kind: 'idle';
}

export type Job = RoomJob | AcksJob | IdleJob | SearchJob | FilesJob;

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  count: number;
  /** Messages of the window some recipient had not received when the run ended. */
  unfinished: number;
}

export interface RoomResult {
  kind: 'room';
  windowMs: number;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  /** Time from send until the last (healthy) recipient had it. */
  latency: Latency;
  cpu: CpuWindow;
  /** Wall-clock time the slow client stopped reading. */
  pausedAt?: number;
}

export interface AcksResult {
  kind: 'acks';
  windowMs: number;
  acksPerSecond: number;
  latency: Latency;
  cpu: CpuWindow;
}

export interface IdleResult {
  kind: 'idle';
  clients: number;
}

export type JobResult = RoomResult | AcksResult | IdleResult | SearchResult | FilesResult;

export type LoadgenMessage =
  | { type: 'checkpoint'; name: string; server: 'reset' | 'sample' | 'gc' }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; message: string };
export type RunnerMessage = { type: 'job'; job: Job } | { type: 'continue'; name: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = performance.now();
/** BENCH_DEBUG=1 traces the load generator's phases on stderr. */
const trace = process.env.BENCH_DEBUG
  ? (what: string) => process.stderr.write(`loadgen +${((performance.now() - started) / 1000).toFixed(2)} s: ${what}\n`)
  : () => {};
const DRAIN_MS = 3000;

let continued: ((name: string) => void) | undefined;

/** Tell the runner to sample the server now, and wait until it has. */
function checkpoint(name: string, server: 'reset' | 'sample' | 'gc'): Promise<void> {
  trace(`checkpoint ${name}`);
  return new Promise((resolve) => {
    continued = (got) => {
      if (got !== name) return;
      trace(`checkpoint ${name} done`);
      resolve();
    };
    process.send!({ type: 'checkpoint', name, server } satisfies LoadgenMessage);
  });
}

/** Text of `bytes` UTF-8 bytes that needs no JSON escaping: English words, or Chinese (3 bytes a character). */
export function chatText(bytes: number, cjk = false): string {
  const words = cjk
    ? '局域网里的房间聊天和实时监控不需要云也不需要账号主机保存消息并广播给每个人'
    : 'the quick brown fox jumps over the lazy dog while the host stores acks and broadcasts ';
  const chars = cjk ? Math.floor(bytes / 3) : bytes;
  return words
    .repeat(Math.ceil(chars / words.length))
    .slice(0, chars)
    .trimEnd()
    .padEnd(chars, cjk ? '。' : '.');
}

function summarize(latencies: number[], unfinished: number): Latency {
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length ? latencies[latencies.length - 1]! : NaN,
    count: latencies.length,
    unfinished,
  };
}

/** Block the thread for `ms` once per event-loop turn (see RoomJob.coalesceMs); returns a stop function. */
function coalesceReads(ms: number): () => void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  let on = true;
  const turn = () => {
    if (!on) return;
    Atomics.wait(cell, 0, 0, ms);
    setImmediate(turn);
  };
  setImmediate(turn);
  return () => (on = false);
}

function closeAll(clients: RawClient[]): void {
  for (const c of clients) c.close();
}

async function roomJob(job: RoomJob): Promise<RoomResult> {
  const sentAt: number[] = [];
  const remaining: number[] = [];
  /** Whether message n was sent inside the measuring window. */
  const inWindow: boolean[] = [];
  const latencies: number[] = [];
  let deliveries = 0;
  let completed = 0;
  let recipients = job.clients;
  let measuring = false;
  let sending = true;
  let nextId = 0;
  let lastProgress = performance.now();
  let onDrained: (() => void) | undefined;
  let pendingInWindow = 0;
  const text = chatText(job.textBytes, job.cjk);
  const closed = job.load;

  const onFrame = (client: RawClient, kind: Kind, n: number) => {
    if (kind !== Kind.Message || client.paused) return;
    deliveries++;
    const left = --remaining[n]!;
    if (left !== 0) return;
    const now = performance.now();
    lastProgress = now;
    completed++;
    if (inWindow[n]) {
      latencies.push(now - sentAt[n]!);
      if (--pendingInWindow === 0 && !sending) onDrained?.();
    }
    if ('window' in closed && sending) sendOne();
  };
  const clients = await connectAll(
    job.clients,
    (index) =>
      new RawClient({ flavor: job.flavor, port: job.port, index, room: 'bench', onFrame, tls: job.tls === true }),
  );
  const senders = clients.slice(0, Math.max(1, Math.min(job.senders, job.clients - (job.slow ? 1 : 0))));
  const sendOne = () => {
    const n = nextId++;
    sentAt[n] = performance.now();
    remaining[n] = recipients;
    inWindow[n] = measuring;
    if (measuring) pendingInWindow++;
    senders[n % senders.length]!.sendChat(n, text);
  };
  trace(`${clients.length} clients connected`);
  // Let the join storm (presence frames to everyone) drain before any traffic.
  await sleep(200);

  let timer: NodeJS.Timeout | undefined;
  let stalled: NodeJS.Timeout | undefined;
  let failure: Error | undefined;
  if ('window' in closed) {
    for (let k = 0; k < closed.window; k++) sendOne();
    stalled = setInterval(() => {
      if (performance.now() - lastProgress > 10_000) failure = new Error('no message completed for 10 s');
    }, 1000);
  } else {
    const period = 1000 / closed.rate;
    let next = performance.now();
    const tick = () => {
      if (!sending) return;
      const now = performance.now();
      while (next <= now) {
        sendOne();
        next += period;
      }
      timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  }
  const stopCoalescing = job.coalesceMs ? coalesceReads(job.coalesceMs) : () => {};
  await sleep(job.warmupMs);
  if (job.slow) {
    // Start from a collected heap, so the growth measured is what the window added.
    await checkpoint('settle', 'gc');
    await sleep(200);
  }
  await checkpoint('start', 'reset');
  let pausedAt: number | undefined;
  if (job.slow) {
    clients[clients.length - 1]!.pause();
    pausedAt = epochNow();
    recipients = job.clients - 1;
  }
  measuring = true;
  const stopCpu = cpuWindow();
  const d0 = deliveries;
  const c0 = completed;
  await sleep(job.measureMs);
  measuring = false;
  const cpu = stopCpu();
  const windowMs = cpu.wallMs;
  const deliveriesPerSecond = ((deliveries - d0) / windowMs) * 1000;
  const messagesPerSecond = ((completed - c0) / windowMs) * 1000;
  // Stop sending first: an overloaded server answers the checkpoint late, and must not get more
  // work meanwhile. Then give what the window sent a moment to arrive everywhere.
  sending = false;
  clearTimeout(timer);
  clearInterval(stalled);
  trace(`draining ${pendingInWindow} messages`);
  const drained =
    pendingInWindow > 0
      ? Promise.race([new Promise<void>((resolve) => (onDrained = resolve)), sleep(DRAIN_MS)])
      : Promise.resolve();
  await checkpoint('end', 'sample');
  await drained;
  stopCoalescing();
  // Whatever is still missing counts with the time it has waited so far (a lower bound).
  const now = performance.now();
  let unfinished = 0;
  for (let n = 0; n < nextId; n++) {
    if (inWindow[n] && remaining[n]! > 0) {
      unfinished++;
      latencies.push(now - sentAt[n]!);
    }
  }
  // What the server still holds after a GC: the slow client's queue, unless it was dropped.
  if (job.slow) await checkpoint('retained', 'gc');
  closeAll(clients);
  if (failure) throw failure;
  return {
    kind: 'room',
    windowMs,
    deliveriesPerSecond,
    messagesPerSecond,
    latency: summarize(latencies, unfinished),
    cpu,
    ...(pausedAt !== undefined ? { pausedAt } : {}),
  };
}

async function acksJob(job: AcksJob): Promise<AcksResult> {
  const sentAt: number[] = [];
  const latencies: number[] = [];
  let nextId = 0;
  let acked = 0;
  let measuring = false;
  let sending = true;
  const text = chatText(job.textBytes);
  const send = (client: RawClient) => {
    const n = nextId++;
    sentAt[n] = performance.now();
    client.sendChat(n, text);
  };
  const clients = await connectAll(
    job.clients,
    (index) =>
      new RawClient({
        flavor: job.flavor,
        port: job.port,
        index,
        room: `bench-${index}`,
        tls: job.tls === true,
        onFrame: (client, kind, n) => {
          if (kind !== Kind.Ack) return;
          if (measuring) {
            acked++;
            latencies.push(performance.now() - sentAt[n]!);
          }
          if (sending) send(client);
        },
      }),
  );
  for (const client of clients) for (let k = 0; k < job.window; k++) send(client);
  await sleep(job.warmupMs);
  await checkpoint('start', 'reset');
  measuring = true;
  const stopCpu = cpuWindow();
  await sleep(job.measureMs);
  measuring = false;
  const cpu = stopCpu();
  const windowMs = cpu.wallMs;
  sending = false;
  await checkpoint('end', 'sample');
  closeAll(clients);
  return {
    kind: 'acks',
    windowMs,
    acksPerSecond: (acked / windowMs) * 1000,
    latency: summarize(latencies, 0),
    cpu,
  };
}

async function idleJob(job: IdleJob): Promise<IdleResult> {
  const make = (index: number) =>
    new RawClient({ flavor: job.flavor, port: job.port, index, room: 'bench', onFrame: () => {} });
  const half = Math.floor(job.clients / 2);
  await sleep(100);
  await checkpoint('zero', 'gc');
  const first = await connectAll(half, make);
  await sleep(200);
  await checkpoint('half', 'gc');
  const second = await connectAll(job.clients - half, (i) => make(half + i));
  await sleep(200);
  await checkpoint('full', 'gc');
  closeAll([...first, ...second]);
  return { kind: 'idle', clients: job.clients };
}

async function run(job: Job): Promise<JobResult> {
  switch (job.kind) {
    case 'room':
      return roomJob(job);
    case 'acks':
      return acksJob(job);
    case 'idle':
      return idleJob(job);
    case 'search':
      return searchJob(job);
    case 'files':
      return filesJob(job, checkpoint);
  }
}

if (import.meta.main) {
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: RunnerMessage) => {
    if (message.type === 'continue') return continued?.(message.name);
    gc?.();
    run(message.job).then(
      (result) => process.send!({ type: 'result', result } satisfies LoadgenMessage),
      (error: unknown) =>
        process.send!({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });
}
