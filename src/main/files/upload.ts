import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';

/** Bytes of chunks an upload holds waiting for the disk before it stops reading its sender. */
export const MAX_QUEUED_WRITE_BYTES = 4 * 1024 * 1024;

/** Who sends an upload's bytes: held back (its socket not read) while the disk is behind. */
export interface ChunkSender {
  pauseReading(): void;
  resumeReading(): void;
}

/**
 * One upload in progress: its partial file, the SHA-256 of its bytes, and the chunks on their way
 * to the disk. `received` counts bytes written, in order; it only ever grows by what the disk took,
 * so the partial file and `received` agree, and the next chunk must start exactly there. Chunks are
 * written in the order they came, several at once (writev).
 *
 * Each chunk is hashed as it arrives (a quarter of a millisecond for 256 KiB), not in a batch once
 * written, which would hold the event loop for milliseconds and delay everyone's chat. So after a
 * failed write the hash has seen bytes the disk has not: the upload is then `broken`, and the file
 * service reopens it from the disk (hashing again what is there) before it goes on.
 */
export class Upload {
  readonly path: string;
  readonly size: number;
  #handle: FileHandle | undefined;
  #hash: Hash;
  #received: number;
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #writing: Promise<void> | undefined;
  #heldBack: ChunkSender | undefined;
  readonly #onWriteError: (error: Error) => void;
  /** A chunk was refused for its offset: later ones are dropped quietly until the sender asks where to resume. */
  desynced = false;
  /** A write failed: the hash is ahead of the disk, so this object must be closed and the upload reopened. */
  broken = false;
  /** When a chunk last arrived (ms), for the stall timeout. */
  lastChunkAt: number;
  /** `received` at the last progress report, so unchanged uploads are not reported again. */
  reported = -1;

  private constructor(
    path: string,
    size: number,
    handle: FileHandle,
    hash: Hash,
    received: number,
    now: number,
    onWriteError: (error: Error) => void,
  ) {
    this.path = path;
    this.size = size;
    this.#handle = handle;
    this.#hash = hash;
    this.#received = received;
    this.lastChunkAt = now;
    this.#onWriteError = onWriteError;
  }

  /** A new, empty partial file at `path` (which must not exist). */
  static async create(path: string, size: number, now: number, onWriteError: (error: Error) => void): Promise<Upload> {
    const handle = await open(path, 'wx', 0o600);
    return new Upload(path, size, handle, createHash('sha256'), 0, now, onWriteError);
  }

  /**
   * An upload that was interrupted (the host restarted): what its partial file holds counts as
   * received, and is hashed again from the disk, so the sender never sends it twice.
   */
  static async reopen(path: string, size: number, now: number, onWriteError: (error: Error) => void): Promise<Upload> {
    const handle = await open(path, 'r+');
    try {
      let received = (await handle.stat()).size;
      if (received > size) {
        await handle.truncate(size);
        received = size;
      }
      const hash = createHash('sha256');
      if (received > 0) {
        for await (const chunk of createReadStream(path, { start: 0, end: received - 1, highWaterMark: 1024 * 1024 })) {
          hash.update(chunk as Buffer);
        }
      }
      return new Upload(path, size, handle, hash, received, now, onWriteError);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Bytes written to the partial file and hashed. */
  get received(): number {
    return this.#received;
  }

  /** The offset the next chunk must start at: what is stored plus what is on its way to the disk. */
  get nextOffset(): number {
    return this.#received + this.#queuedBytes;
  }

  /**
   * Queue a chunk that starts at `nextOffset`. The buffer is written as is, not copied: it must not
   * be reused by the caller (ws hands each message its own memory).
   */
  append(chunk: Buffer, sender: ChunkSender): void {
    this.#hash.update(chunk);
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes > MAX_QUEUED_WRITE_BYTES && !this.#heldBack) {
      this.#heldBack = sender;
      sender.pauseReading();
    }
    this.#writing ??= this.#drain();
  }

  /** Resolves once every queued chunk is written (or dropped after a write error). */
  async settled(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 && this.#handle) {
        const batch = this.#queue;
        this.#queue = [];
        const bytes = batch.reduce((sum, b) => sum + b.length, 0);
        try {
          await this.#writeAll(batch, bytes);
        } catch (error) {
          // Whatever was queued behind the failure is dropped; the sender resumes from `received`.
          this.broken = true;
          this.#queue = [];
          this.#queuedBytes = 0;
          this.#release();
          this.#onWriteError(error as Error);
          return;
        }
        if (this.#queuedBytes <= MAX_QUEUED_WRITE_BYTES / 2) this.#release();
      }
    } finally {
      this.#writing = undefined;
    }
  }

  /** Write `batch` at `received`, counting exactly what the disk took, even when a write is short. */
  async #writeAll(batch: Buffer[], bytes: number): Promise<void> {
    let pending = batch;
    let left = bytes;
    while (left > 0) {
      const { bytesWritten } = await this.#handle!.writev(pending, this.#received);
      let counted = bytesWritten;
      const rest: Buffer[] = [];
      for (const buffer of pending) {
        if (counted >= buffer.length) counted -= buffer.length;
        else {
          rest.push(counted > 0 ? buffer.subarray(counted) : buffer);
          counted = 0;
        }
      }
      this.#received += bytesWritten;
      this.#queuedBytes -= bytesWritten;
      left -= bytesWritten;
      pending = rest;
    }
  }

  #release(): void {
    const sender = this.#heldBack;
    this.#heldBack = undefined;
    sender?.resumeReading();
  }

  /** Every byte is in: flush it to the disk, close the file, and give the SHA-256 of what was stored. */
  async complete(): Promise<string> {
    await this.settled();
    if (this.broken) throw new Error('a write failed: reopen the upload before completing it');
    const handle = this.#handle!;
    this.#handle = undefined;
    await handle.sync();
    await handle.close();
    return this.#hash.digest('hex');
  }

  /** Close the partial file and delete it (cancelled, failed, stalled). */
  async discard(): Promise<void> {
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#release();
    await this.settled();
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
    await unlink(this.path).catch(() => undefined);
  }

  /** Close the partial file and keep it, for a resume after the host starts again (shutdown). */
  async close(): Promise<void> {
    await this.settled();
    const handle = this.#handle;
    this.#handle = undefined;
    this.#release();
    await handle?.close();
  }
}
