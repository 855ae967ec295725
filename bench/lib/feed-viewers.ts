// The viewers of scenario H, in their own process on core 1: N WebSocket connections that read a
// feed, from Tincan (one process shared by the room, lines in batches) or from websocketd (one
// process per connection, one line per frame). Each line carries the time it was printed and its
// number; per line number the latency at the last viewer to get it is kept. Optionally one member
// chats (Tincan only) and times its messages back to itself, to see whether a feed slows the room.
//
// Lean on purpose, like raw-client.ts: at 500 websocketd viewers this process reads 500,000 frames a
// second, so frames are parsed in place and a line's numbers are read from the bytes, not JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { cpuWindow, type CpuWindow } from './cpu.ts';
import { clientFrame } from './raw-client.ts';
import { epochNow } from './probe.ts';
import { percentile } from './stats.ts';

export interface ViewersJob {
  flavor: 'tincan' | 'websocketd';
  port: number;
  viewers: number;
  warmupMs: number;
  measureMs: number;
  /** Tincan only: one more member sends this many chat messages a second and times them back. */
  chatPerSecond?: number;
  /** The server's process: its CPU and that of every process under it is the server's cost. */
  serverPid: number;
  /** Give up waiting for connections after this long and measure the ones that opened. */
  connectTimeoutMs: number;
}

export interface ViewersResult {
  /** Lines printed in the window and received by every viewer. */
  lines: number;
  /** Line deliveries received in the window (all viewers). */
  delivered: number;
  /** Per line: from print to the last viewer that got it. */
  lastViewer: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Lines printed in the window that some viewer never got. */
  unfinished: number;
  /** Lines the host said it skipped (Tincan's `skipped` counts in batches). */
  skippedByHost: number;
  chat?: { p50Ms: number; p99Ms: number; maxMs: number; sent: number; received: number };
  cpu: CpuWindow;
  /** CPU time of the server's process tree over the window, ms (Linux). */
  serverCpuMs: number;
  /** Viewers whose connection opened in time (the others are not counted). */
  connected: number;
}

/** CPU time (user + system, ms) of `root` and every process under it, from /proc (Linux only). */
export function treeCpuMs(root: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(name);
    parent.set(pid, Number(f[1]));
    // utime, stime, and what its reaped children used (cutime, cstime).
    ticks.set(pid, Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        total += t;
        break;
      }
    }
  }
  return total * 10; // USER_HZ is 100 on every Linux Node runs on
}

const HEADER_END = Buffer.from('\r\n\r\n');
const TEXT_MARK = Buffer.from('"text":"');
/** Lines are read from the body only (the message's own `text` repeats them as a fallback). */
const BODY_MARK = Buffer.from('"body":');
const SKIPPED_MARK = Buffer.from('"skipped":');
const CHAT_MARK = Buffer.from('"kind":"text","text":"c ');
const FEED_PREFIX = Buffer.from('{"type":"message"');

class Viewer {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #open = false;
  readonly onText: (payload: Buffer) => void;
  readonly onOpen: (v: Viewer) => void;
  constructor(port: number, path: string, onText: (payload: Buffer) => void, onOpen: (v: Viewer) => void) {
    this.onText = onText;
    this.onOpen = onOpen;
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('connect', () =>
      this.socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`,
      ),
    );
    this.socket.on('data', (chunk) => this.#read(chunk));
    this.socket.on('error', () => {});
  }

  send(text: string): void {
    this.socket.write(clientFrame(text));
  }

  #read(chunk: Buffer): void {
    let buf = this.#buffer.length > 0 ? Buffer.concat([this.#buffer, chunk]) : chunk;
    if (!this.#open) {
      const end = buf.indexOf(HEADER_END);
      if (end < 0) {
        this.#buffer = Buffer.from(buf);
        return;
      }
      if (!buf.subarray(0, 12).toString().includes('101')) throw new Error(`upgrade refused: ${buf.subarray(0, 80)}`);
      this.#open = true;
      buf = buf.subarray(end + 4);
      this.onOpen(this);
    }
    let at = 0;
    while (buf.length - at >= 2) {
      const opcode = buf[at]! & 0x0f;
      let length = buf[at + 1]! & 0x7f;
      let header = 2;
      if (length === 126) {
        if (buf.length - at < 4) break;
        length = buf.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (buf.length - at < 10) break;
        length = Number(buf.readBigUInt64BE(at + 2));
        header = 10;
      }
      if (buf.length - at < header + length) break;
      if (opcode === 1) this.onText(buf.subarray(at + header, at + header + length));
      else if (opcode === 9) this.socket.write(clientFrame(buf.subarray(at + header, at + header + length), 10));
      at += header + length;
    }
    this.#buffer = at === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
  }
}

/** "<printed ms> <n> …" at `start`: the two numbers, read from the ASCII bytes. */
function readLine(buf: Buffer, start: number): [number, number] {
  let i = start;
  let printed = 0;
  let frac = 0;
  let scale = 1;
  for (; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 46) frac = 1;
    else if (c >= 48 && c <= 57) {
      if (frac) printed += (c - 48) / (scale *= 10);
      else printed = printed * 10 + (c - 48);
    } else break;
  }
  let n = 0;
  for (i++; i < buf.length; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return [printed, n];
}

export async function runViewers(job: ViewersJob): Promise<ViewersResult> {
  const path = job.flavor === 'tincan' ? '/ws' : '/';
  /** Per line number: how many viewers got it and the latest latency among them. */
  const got = new Map<number, { count: number; worst: number; printed: number }>();
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let delivered = 0;
  let skippedByHost = 0;
  const line = (printed: number, n: number, now: number) => {
    if (printed < windowStart || printed > windowEnd) return;
    delivered++;
    const entry = got.get(n);
    const latency = now - printed;
    if (entry) {
      entry.count++;
      if (latency > entry.worst) entry.worst = latency;
    } else got.set(n, { count: 1, worst: latency, printed });
  };
  const onText = (payload: Buffer) => {
    const now = epochNow();
    if (job.flavor === 'websocketd') {
      const [printed, n] = readLine(payload, 0);
      line(printed, n, now);
      return;
    }
    if (payload.compare(FEED_PREFIX, 0, FEED_PREFIX.length, 0, FEED_PREFIX.length) !== 0) return;
    const skipped = payload.indexOf(SKIPPED_MARK);
    if (skipped >= 0 && now >= windowStart) skippedByHost += readLine(payload, skipped + SKIPPED_MARK.length)[0];
    const body = payload.indexOf(BODY_MARK);
    for (let at = payload.indexOf(TEXT_MARK, body); at >= 0; at = payload.indexOf(TEXT_MARK, at + 1)) {
      const [printed, n] = readLine(payload, at + TEXT_MARK.length);
      line(printed, n, now);
    }
  };
  let opened = 0;
  const ready = new Promise<void>((resolve) => {
    const onOpen = (v: Viewer) => {
      if (job.flavor === 'tincan') {
        v.send(
          JSON.stringify({
            type: 'hello',
            protocol: 1,
            client: { name: 'bench' },
            deviceId: `viewer-${opened}-0000`,
            nick: 'viewer',
          }),
        );
        v.send(JSON.stringify({ type: 'join', room: 'feed' }));
      }
      if (++opened === job.viewers) resolve();
    };
    for (let i = 0; i < job.viewers; i++) new Viewer(job.port, path, onText, onOpen);
    setTimeout(resolve, job.connectTimeoutMs);
  });
  await ready;
  const connected = opened;

  // The chatter: a member of the same room, timing its own messages back (Tincan only).
  const chatSent = new Map<number, number>();
  const chatLatencies: number[] = [];
  let chatter: Viewer | undefined;
  if (job.chatPerSecond && job.flavor === 'tincan') {
    await new Promise<void>((resolve) => {
      chatter = new Viewer(
        job.port,
        path,
        (payload) => {
          const at = payload.indexOf(CHAT_MARK);
          if (at < 0) return;
          const [n] = readLine(payload, at + CHAT_MARK.length);
          const sent = chatSent.get(n);
          if (sent !== undefined) chatLatencies.push(epochNow() - sent);
        },
        (v) => {
          v.send(
            JSON.stringify({
              type: 'hello',
              protocol: 1,
              client: { name: 'bench' },
              deviceId: 'chatter-00000',
              nick: 'chatter',
            }),
          );
          v.send(JSON.stringify({ type: 'join', room: 'feed' }));
          resolve();
        },
      );
    });
  }
  await new Promise((r) => setTimeout(r, job.warmupMs));
  windowStart = epochNow();
  const stopCpu = cpuWindow();
  const serverCpuBefore = treeCpuMs(job.serverPid);
  let chatTimer: NodeJS.Timeout | undefined;
  let chatN = 0;
  if (chatter) {
    chatTimer = setInterval(() => {
      chatN++;
      chatSent.set(chatN, epochNow());
      chatter!.send(JSON.stringify({ type: 'send', room: 'feed', id: `c${chatN}`, text: `c ${chatN}` }));
    }, 1000 / job.chatPerSecond!);
  }
  await new Promise((r) => setTimeout(r, job.measureMs));
  windowEnd = epochNow();
  clearInterval(chatTimer);
  const cpu = stopCpu();
  const serverCpuMs = treeCpuMs(job.serverPid) - serverCpuBefore;
  // Lines printed just before the end still travel: give them a moment, then count.
  await new Promise((r) => setTimeout(r, 1000));
  const finished = [...got.values()].filter((e) => e.count >= connected).map((e) => e.worst);
  finished.sort((a, b) => a - b);
  const unfinished = got.size - finished.length;
  chatLatencies.sort((a, b) => a - b);
  return {
    lines: finished.length,
    delivered,
    lastViewer: { p50Ms: percentile(finished, 50), p99Ms: percentile(finished, 99), maxMs: finished.at(-1) ?? NaN },
    unfinished,
    skippedByHost: skippedByHost / connected, // every viewer reads the same count
    serverCpuMs,
    connected,
    ...(chatter
      ? {
          chat: {
            p50Ms: percentile(chatLatencies, 50),
            p99Ms: percentile(chatLatencies, 99),
            maxMs: chatLatencies.at(-1) ?? NaN,
            sent: chatN,
            received: chatLatencies.length,
          },
        }
      : {}),
    cpu,
  };
}

// Run as a child process: one job from the runner over IPC, the result back, then exit.
if (process.send) {
  process.once('message', (job: ViewersJob) => {
    runViewers(job).then(
      (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
      (error: unknown) => process.send!({ type: 'error', message: String(error) }, () => process.exit(1)),
    );
  });
}
