import { BINARY_TYPES, encodeBinaryFrame } from '../../../../shared/protocol/binary-frames.ts';
import { fileIdBytes } from './file-id.ts';
import { sha256Prefix } from './sha256.ts';
import type { Upload } from './upload.svelte.ts';

/** What the pipeline needs of the connection. */
export interface UploadPort {
  /** Put a binary frame on the wire now; false when the socket is not open. */
  sendBinary(frame: Uint8Array): boolean;
  /** Bytes the socket holds that the network has not taken yet (WebSocket.bufferedAmount). */
  bufferedAmount(): number;
  /** Every byte went out: send `upload-end` with the file's hash. */
  end(fileId: string, sha256: string): void;
  now(): number;
}

export interface PipelineLimits {
  /** Payload bytes per binary frame (welcome.limits.maxChunkBytes). */
  chunkBytes: number;
  /**
   * Bytes the socket may hold unsent before the next chunk waits. The host slows a fast sender by
   * not reading its socket, so this is what bounds the memory an upload takes here.
   */
  maxQueuedBytes: number;
  /** A hash checkpoint every this many bytes: a resume re-reads at most this much of the file. */
  checkpointBytes: number;
}

/** Default bound on the socket's queue: a few chunks in flight keep a LAN busy without holding much. */
export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** A hash checkpoint every 32 MiB: 64 states of a few hundred bytes for a 2 GiB file. */
export const DEFAULT_CHECKPOINT_BYTES = 32 * 1024 * 1024;
/** Bytes read from the file at a time (then cut into chunks). */
const READ_BYTES = 1024 * 1024;
/** How often a full queue is looked at again, ms (browsers fire no event when it drains). */
const DRAIN_POLL_MS = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Send `upload` from byte `offset` (the host's word for where it stands) to the end, in order, then
 * `upload-end` with the SHA-256 of the whole file. The hash is carried across resumes: when the
 * bytes hashed so far are not exactly the host's `offset`, the first `offset` bytes are hashed again
 * from the local file (read, not re-sent; from the last checkpoint before `offset`). Any later call (or `upload.stop()`) ends this run at its
 * next step; a socket that closes ends it too, and the owner resumes after the next join.
 */
export async function sendFrom(
  upload: Upload,
  offset: number,
  port: UploadPort,
  limits: PipelineLimits,
): Promise<void> {
  const run = upload.stop();
  const alive = () => upload.run === run;
  const fileId = upload.fileId;
  if (fileId === null) throw new Error('sendFrom needs the file id of the host’s reply');
  const haveWhole = offset === upload.size && upload.sha256 !== null;
  if (!haveWhole && upload.hash?.length !== offset) {
    upload.phase = 'hashing';
    upload.hash = null;
    // The last checkpoint at or before the host's offset: only the bytes after it are read again.
    const from = upload.checkpoints.filter((c) => c.length <= offset).at(-1);
    const hash = await sha256Prefix(upload.file, offset, alive, (done) => (upload.hashed = done), from);
    if (!hash) return;
    upload.rehashedBytes += offset - (from?.length ?? 0);
    upload.hash = hash;
  }
  upload.phase = 'sending';
  upload.sent = offset;
  upload.meter.reset();
  const id = fileIdBytes(fileId);
  const chunkBytes = Math.max(1, limits.chunkBytes);

  /** Wait until the socket's queue has room for one more chunk; false when this run was stopped. */
  const room = async (): Promise<boolean> => {
    while (port.bufferedAmount() + chunkBytes > limits.maxQueuedBytes) {
      await sleep(DRAIN_POLL_MS);
      if (!alive()) return false;
    }
    return alive();
  };

  for (let at = offset; at < upload.size;) {
    const end = Math.min(upload.size, at + READ_BYTES);
    const block = new Uint8Array(await upload.file.slice(at, end).arrayBuffer());
    if (!alive()) return;
    // Hashed before it is sent: if this run stops halfway the hash is ahead of the host, and the
    // next run hashes its prefix again (hash.length no longer equals the host's offset).
    const hash = upload.hash!;
    hash.update(block);
    const last = upload.checkpoints.at(-1)?.length ?? 0;
    if (hash.length - last >= limits.checkpointBytes) upload.checkpoints.push(hash.save());
    for (let p = 0; p < block.length; p += chunkBytes) {
      if (!(await room())) return;
      const payload = block.subarray(p, Math.min(block.length, p + chunkBytes));
      if (!port.sendBinary(encodeBinaryFrame({ type: BINARY_TYPES.fileChunk, id, offset: at + p, payload }))) return;
      upload.maxQueued = Math.max(upload.maxQueued, port.bufferedAmount());
      upload.sent = at + p + payload.length;
      upload.rate = upload.meter.sample(upload.sent, port.now());
    }
    at = end;
  }
  if (upload.sha256 === null) upload.sha256 = upload.hash!.hex();
  upload.hash = null;
  upload.rate = 0;
  upload.phase = 'verifying';
  port.end(fileId, upload.sha256);
}
