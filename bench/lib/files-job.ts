// The load generator's files job (scenario I): one member uploads a file through Tincan's host and
// another downloads it over HTTP, while two more chat in the same room; or, against the bare `ws`
// relay baseline, the same chunks pass from one socket to another through the relay. With `hash`,
// the sender and the receiver hash every byte (the host always does).
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { BINARY_TYPES, encodeBinaryFrame } from '../../src/shared/protocol/index.ts';
import { startChatProbe } from './chat-probe.ts';
import { cpuWindow, type CpuWindow } from './cpu.ts';
import { percentile } from './stats.ts';
import { joinAs, openSocket } from './ws-member.ts';

export interface FilesJob {
  kind: 'files';
  flavor: 'tincan' | 'ws';
  port: number;
  bytes: number;
  hash: boolean;
  /** Chat messages per second between two other members, measured alone and during the transfer (Tincan only). */
  chatRate: number;
  chatIdleMs: number;
}

export interface FilesResult {
  kind: 'files';
  uploadMs: number;
  downloadMs: number;
  totalMs: number;
  mibPerSecond: number;
  chatIdleP99Ms: number;
  chatDuringP99Ms: number;
  chatDuringCount: number;
  cpu: CpuWindow;
}

type Checkpoint = (name: string, server: 'reset' | 'sample' | 'gc') => Promise<void>;

const CHUNK = 256 * 1024;
/** Bytes the sender keeps handed to its socket and not yet written: a bounded amount in flight. */
const WINDOW = 8 * 1024 * 1024;
/** The file is this block repeated: random bytes, without holding a gigabyte in the load generator. */
const BLOCK = 16 * 1024 * 1024;
/** The warm-up transfer before the measured one. */
const WARMUP_BYTES = 16 * 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function block(): Buffer {
  const out = Buffer.allocUnsafe(BLOCK);
  let x = 0x9e3779b9;
  for (let i = 0; i < BLOCK; i += 4) {
    // xorshift: incompressible enough, and the same every run
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeInt32LE(x | 0, i);
  }
  return out;
}

/** The `index`th chunk of a file of `bytes` made of `data` repeated. */
function chunkAt(data: Buffer, bytes: number, offset: number): Buffer {
  const start = offset % BLOCK;
  return data.subarray(start, start + Math.min(CHUNK, bytes - offset));
}

function sha256Of(data: Buffer, bytes: number): string {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes; at += CHUNK) hash.update(chunkAt(data, bytes, at));
  return hash.digest('hex');
}

const open = (port: number, path: string) => openSocket(port, path, { zeroMask: true });

/** A greeted member of room `bench`; resolves with its socket and the room's file key. */
async function member(port: number, nick: string, onFrame: (f: Record<string, unknown>) => void) {
  const { ws, joined } = await joinAs(port, 'bench', nick, onFrame, { zeroMask: true });
  return { ws, key: joined.fileKey as string };
}

/** Send chunks of the file, keeping at most WINDOW bytes not yet handed to the kernel. */
async function sendChunks(
  ws: WebSocket,
  data: Buffer,
  bytes: number,
  frameOf: (offset: number, chunk: Buffer) => Buffer,
  hash?: ReturnType<typeof createHash>,
) {
  let inFlight = 0;
  let wake: (() => void) | undefined;
  for (let at = 0; at < bytes; at += CHUNK) {
    const chunk = chunkAt(data, bytes, at);
    hash?.update(chunk);
    const frame = frameOf(at, chunk);
    inFlight += frame.length;
    ws.send(frame, { binary: true }, () => {
      inFlight -= frame.length;
      wake?.();
    });
    while (inFlight > WINDOW) await new Promise<void>((r) => (wake = r));
    // Let the chatting members in this process (and the socket's callbacks) run between chunks: a
    // window refilled in one go would hold this event loop and show up as the host's latency.
    if ((at / CHUNK) % 4 === 3) await new Promise<void>((r) => setImmediate(r));
  }
}

function summarizeP99(values: number[]): number {
  return percentile(
    values.sort((a, b) => a - b),
    99,
  );
}

export async function filesJob(job: FilesJob, checkpoint: Checkpoint): Promise<FilesResult> {
  const data = block();
  return job.flavor === 'ws' ? relayJob(job, data, checkpoint) : tincanJob(job, data, checkpoint);
}

async function tincanJob(job: FilesJob, data: Buffer, checkpoint: Checkpoint): Promise<FilesResult> {
  // The sender's hash is needed either way (the host checks it); without `hash` it is made before the clock starts.
  const presetHash = job.hash ? null : sha256Of(data, job.bytes);
  const replies = new Map<string, (f: Record<string, unknown>) => void>();
  const onReply = (f: Record<string, unknown>) => {
    if (typeof f.ref === 'string') replies.get(f.ref)?.(f);
  };
  const request = (ws: WebSocket, frame: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const ref = `r${replies.size}-${Math.random()}`;
      replies.set(ref, resolve);
      ws.send(JSON.stringify({ ...frame, ref }));
    });
  const sender = await member(job.port, 'sender', onReply);
  const receiver = await member(job.port, 'receiver', () => {});
  // Two members who chat while the transfer runs, in the same room (so they get its progress too),
  // on a thread of their own: they stand for other people's devices, not the uploader's.
  const chat = await startChatProbe({ port: job.port, room: 'bench', rate: job.chatRate });
  const run = Date.now().toString(36);
  await chat.window();
  await sleep(job.chatIdleMs);
  const chatIdleP99Ms = summarizeP99(await chat.window());

  /** Upload `bytes` of the file, then download it; the ms each took. */
  const transfer = async (bytes: number, name: string, knownHash: string | null) => {
    const t0 = performance.now();
    const offer = await request(sender.ws, {
      type: 'upload',
      room: 'bench',
      id: `${name}${run}`,
      name: 'bench.bin',
      size: bytes,
    });
    if (offer.type !== 'upload') throw new Error(`upload refused: ${JSON.stringify(offer)}`);
    const file = offer.file as string;
    const id = Buffer.from(file, 'hex');
    const hash = knownHash === null ? createHash('sha256') : undefined;
    await sendChunks(
      sender.ws,
      data,
      bytes,
      (offset, payload) => Buffer.from(encodeBinaryFrame({ type: BINARY_TYPES.fileChunk, id, offset, payload })),
      hash,
    );
    const done = await request(sender.ws, { type: 'upload-end', file, sha256: knownHash ?? hash!.digest('hex') });
    if (done.state !== 'complete') throw new Error(`upload did not complete: ${JSON.stringify(done)}`);
    const t1 = performance.now();
    const downloaded = await download(job.port, `/files/${file}?key=${receiver.key}`, knownHash === null);
    if (knownHash === null && downloaded.sha256 !== done.sha256)
      throw new Error('the download does not have the hash the host checked');
    if (downloaded.bytes !== bytes) throw new Error(`downloaded ${downloaded.bytes} of ${bytes} bytes`);
    return { uploadMs: t1 - t0, downloadMs: performance.now() - t1 };
  };
  // A first, small transfer warms both sides up (compiled code, V8's young generation at its working
  // size), so what follows measures moving the file, not the first use of the code that moves it.
  await transfer(WARMUP_BYTES, 'warmup', presetHash === null ? null : sha256Of(data, WARMUP_BYTES));
  await chat.window();

  await checkpoint('start', 'reset');
  const stopCpu = cpuWindow();
  const started = performance.now();
  const { uploadMs, downloadMs } = await transfer(job.bytes, 'f', presetHash);
  const finished = performance.now();
  const cpu = stopCpu();
  await checkpoint('end', 'sample');
  const chatDuring = await chat.window();
  await chat.stop();
  for (const m of [sender, receiver]) m.ws.close();
  return {
    kind: 'files',
    uploadMs,
    downloadMs,
    totalMs: finished - started,
    mibPerSecond: job.bytes / 2 ** 20 / ((finished - started) / 1000),
    chatIdleP99Ms,
    chatDuringP99Ms: summarizeP99(chatDuring),
    chatDuringCount: chatDuring.length,
    cpu,
  };
}

function download(port: number, path: string, hashing: boolean): Promise<{ bytes: number; sha256: string | null }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`download: HTTP ${res.statusCode}`));
      const hash = hashing ? createHash('sha256') : undefined;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash?.update(chunk);
      });
      res.on('end', () => resolve({ bytes, sha256: hash?.digest('hex') ?? null }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The baseline: the same chunks from one socket to the other through a bare ws relay. */
async function relayJob(job: FilesJob, data: Buffer, checkpoint: Checkpoint): Promise<FilesResult> {
  const receiver = await open(job.port, '/');
  const sender = await open(job.port, '/');
  await sleep(50); // both registered with the relay
  const hash = job.hash ? createHash('sha256') : undefined;
  let received = 0;
  let waiting: { bytes: number; resolve: () => void } | undefined;
  receiver.on('message', (chunk: Buffer) => {
    received += chunk.length;
    if (received > WARMUP_BYTES) hash?.update(chunk);
    if (waiting && received >= waiting.bytes) waiting.resolve();
  });
  const arrived = (bytes: number) =>
    new Promise<void>((resolve) => (received >= bytes ? resolve() : (waiting = { bytes, resolve })));
  await sendChunks(sender, data, WARMUP_BYTES, (_offset, chunk) => chunk);
  await arrived(WARMUP_BYTES);
  await checkpoint('start', 'reset');
  const stopCpu = cpuWindow();
  const started = performance.now();
  await sendChunks(sender, data, job.bytes, (_offset, chunk) => chunk, job.hash ? createHash('sha256') : undefined);
  await arrived(WARMUP_BYTES + job.bytes);
  hash?.digest('hex');
  const finished = performance.now();
  const cpu = stopCpu();
  await checkpoint('end', 'sample');
  sender.close();
  receiver.close();
  return {
    kind: 'files',
    uploadMs: NaN,
    downloadMs: NaN,
    totalMs: finished - started,
    mibPerSecond: job.bytes / 2 ** 20 / ((finished - started) / 1000),
    chatIdleP99Ms: NaN,
    chatDuringP99Ms: NaN,
    chatDuringCount: 0,
    cpu,
  };
}
