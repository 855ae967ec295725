import { SvelteMap } from 'svelte/reactivity';
import { safeFileName } from '../../../../shared/files/safe-file-name.ts';
import {
  DEFAULT_MIME_TYPE,
  MAX_STATUS_FILES,
  mimeType,
  readContent,
  type ClientFrameInput,
  type FileStateInfo,
  type HostFrameOf,
  type StoredMessage,
} from '../../../../shared/protocol/index.ts';
import { isMine } from '../chat/message-origin.ts';
import { newClientId } from '../net/client-id.ts';
import { DEFAULT_CHECKPOINT_BYTES, DEFAULT_MAX_QUEUED_BYTES, sendFrom } from './upload-pipeline.ts';
import { Upload } from './upload.svelte.ts';

/** What file transfers need of their host's connection (HostClient provides it). */
export interface FilesPort {
  /** Send a text frame within the host's rate limit (it waits in the queue when over). */
  request(frame: ClientFrameInput): void;
  sendBinary(frame: Uint8Array): boolean;
  bufferedAmount(): number;
  /** The room is joined on the connection now open. */
  joined(room: string): boolean;
  now(): number;
  /** Our device's tag on this host ('' until the host said it): how our own file messages are known. */
  device(): string;
  /** `http://host:port` (no trailing slash): where the host serves `/files/…`. */
  httpBase: string;
}

/** An upload of this device that an earlier page started (its `file` message), which this page can continue. */
interface Unfinished {
  room: string;
  /** Its client id: offering it again resumes it on the host. */
  id: string;
  name: string;
  size: number;
}

export type OfferResult = { ok: true; upload: Upload } | { ok: false; reason: 'too_large'; limit: number };

/** Chunk size when a host does not say (its default). */
const DEFAULT_CHUNK_BYTES = 256 * 1024;
/**
 * Uploads this client runs at once per host; the rest queue. One socket carries them all, so more
 * in parallel is not faster, and a host takes only a few per connection (maxUploadsPerConnection).
 */
export const MAX_ACTIVE_UPLOADS = 2;
/** After the host said too_many_uploads (its limit over every connection), ask again this much later, ms. */
const QUEUE_RETRY_MS = 5000;
const ACTIVE: readonly string[] = ['offering', 'hashing', 'sending', 'verifying'];
/** Upload errors after which offering the same id again is worth it (the host keeps what it stored). */
const RESUMABLE = new Set(['upload_offset', 'upload_incomplete', 'not_joined']);
/**
 * Upload errors that leave the upload waiting for the person to retry. Not `quota_exceeded`: the
 * quota counts complete files, which no member can delete, so trying again would fail the same
 * way; and a full disk only pauses an upload that had started (the host keeps what it stored).
 */
const PAUSING = new Set(['storage_full', 'internal', 'storage_failed']);

/** The MIME type a Blob says it is, as the protocol spells one (lower case, no parameters), else the default. */
export function mimeOf(blob: Blob): string {
  const type = blob.type.split(';')[0]!.trim().toLowerCase();
  return mimeType.safeParse(type).success ? type : DEFAULT_MIME_TYPE;
}

/**
 * The files of one host: our uploads (sent in chunks, resumed from the host's offset after any
 * drop), every file's transfer state as the host reports it (`file-state`, `file-status`), and
 * each joined room's file key, which download URLs carry.
 */
export class FileTransfers {
  /** Our uploads on this host, by our own id, oldest first. */
  readonly uploads = new SvelteMap<string, Upload>();
  /** The host's word on each file's transfer, by file id. */
  readonly states = new SvelteMap<string, FileStateInfo>();
  /** Each joined room's file key (joined.fileKey). */
  readonly keys = new SvelteMap<string, string>();
  /** Largest file the host takes (welcome.limits.maxFileBytes); null when it did not say. */
  maxFileBytes = $state<number | null>(null);
  /** Bound on the socket's send queue while uploading. */
  maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
  /** Bytes between hash checkpoints (how much a resume re-reads at most). */
  checkpointBytes = DEFAULT_CHECKPOINT_BYTES;
  #chunkBytes = DEFAULT_CHUNK_BYTES;
  readonly #port: FilesPort;
  /** Which upload a request was about, by its ref (bookkeeping, not shown). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #refs = new Map<string, string>();
  /** Files seen in each room's messages, to ask their state again after a reconnect. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #seen = new Map<string, Set<string>>();
  /**
   * Uploads this device started in an earlier page (a reload, a closed tab), by file id. The bytes
   * stayed behind with that page; when the same file is offered again it continues where the host is.
   */
  readonly #unfinished = new SvelteMap<string, Unfinished>();
  /** Files waiting to be asked about, per room (sent together in the next microtask). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #toAsk = new Map<string, Set<string>>();
  #n = 0;

  constructor(port: FilesPort) {
    this.#port = port;
  }

  /** The URL a complete file downloads from, or null before the room's key is known. */
  url(room: string, fileId: string): string | null {
    const key = this.keys.get(room);
    if (key === undefined) return null;
    return `${this.#port.httpBase}/files/${fileId}?key=${encodeURIComponent(key)}`;
  }

  /** Our upload of `fileId`, if this page sent it. */
  uploadOf(fileId: string): Upload | undefined {
    for (const upload of this.uploads.values()) if (upload.fileId === fileId) return upload;
    return undefined;
  }

  /** Uploads of a room that have no `file` message yet (offered, waiting, or refused at once). */
  unposted(room: string): Upload[] {
    return [...this.uploads.values()].filter((u) => u.room === room && u.seq === null);
  }

  // ── sending ───────────────────────────────────────────────────────────────

  /**
   * Offer a file to a room: refused here when it is larger than the host takes; otherwise it goes
   * out as soon as the room is joined.
   */
  offer(room: string, file: Blob, name: string, image?: { width: number; height: number }): OfferResult {
    if (this.maxFileBytes !== null && file.size > this.maxFileBytes)
      return { ok: false, reason: 'too_large', limit: this.maxFileBytes };
    const safeName = safeFileName(name);
    const unfinished = this.#unfinishedLike(room, safeName, file.size);
    return {
      ok: true,
      upload: this.#start(room, unfinished?.id ?? newClientId(this.#port.now()), file, safeName, image),
    };
  }

  /**
   * Continue an upload an earlier page of this device started (its file message `fileId`) with
   * `file` picked again. False when the sizes differ: it cannot be that file. Same size but other
   * bytes fail at the host's SHA-256 check, as any mismatch does.
   */
  continueWith(fileId: string, file: Blob): boolean {
    const unfinished = this.#unfinished.get(fileId);
    if (!unfinished || file.size !== unfinished.size) return false;
    this.#unfinished.delete(fileId);
    this.#start(unfinished.room, unfinished.id, file, unfinished.name, undefined);
    return true;
  }

  /** Whether `fileId` is an unfinished upload of an earlier page of this device, which `continueWith` can take. */
  canContinue(fileId: string): boolean {
    return this.#unfinished.has(fileId) && this.uploadOf(fileId) === undefined;
  }

  /** An unfinished upload of an earlier page in `room` of a file with this name and size, taken for a new offer. */
  #unfinishedLike(room: string, name: string, size: number): Unfinished | undefined {
    for (const [fileId, u] of this.#unfinished) {
      if (u.room !== room || u.name !== name || u.size !== size) continue;
      if (this.states.get(fileId)?.state !== 'uploading' || this.uploadOf(fileId)) continue;
      this.#unfinished.delete(fileId);
      return u;
    }
    return undefined;
  }

  #start(room: string, id: string, file: Blob, name: string, image: Upload['image']): Upload {
    const upload = new Upload({
      room,
      id,
      file,
      name,
      mime: mimeOf(file),
      image,
    });
    this.uploads.set(upload.id, upload);
    this.#offer(upload);
    return upload;
  }

  /** Stop an upload; the host throws away what it stored. */
  cancel(upload: Upload): void {
    if (upload.finished) return;
    const before = upload.phase;
    upload.stop();
    upload.phase = 'cancelled';
    upload.rate = 0;
    if (upload.fileId !== null) this.#send(upload, { type: 'upload-cancel', file: upload.fileId });
    // Never offered: nothing to tell the host. Offered and not answered: the reply cancels it.
    else if (before === 'waiting' || before === 'queued' || before === 'paused') this.uploads.delete(upload.id);
    this.#next();
  }

  /**
   * Cancel an upload of this device that this page no longer holds the bytes of (the page was
   * reloaded mid-upload): the host would otherwise keep its partial file until it stalls.
   */
  cancelOrphan(fileId: string): void {
    this.#port.request({ type: 'upload-cancel', file: fileId });
  }

  /** Go on with a paused or failed upload: the same id (resume), or a fresh one after a hash mismatch. */
  retry(upload: Upload): Upload {
    if (upload.phase === 'failed' && upload.error === 'hash_mismatch') {
      const again = this.offer(upload.room, upload.file, upload.name, upload.image);
      return again.ok ? again.upload : upload;
    }
    upload.error = null;
    upload.errorMessage = '';
    this.#offer(upload);
    return upload;
  }

  /** Forget an upload that never got a message (refused at once). */
  dismiss(upload: Upload): void {
    upload.stop();
    this.uploads.delete(upload.id);
    this.#next();
  }

  #active(except: Upload): number {
    let n = 0;
    for (const upload of this.uploads.values()) if (upload !== except && ACTIVE.includes(upload.phase)) n++;
    return n;
  }

  /** Start queued uploads, oldest first, while fewer than MAX_ACTIVE_UPLOADS run. */
  #next(): void {
    for (const upload of this.uploads.values()) {
      if (upload.phase !== 'queued') continue;
      if (this.#active(upload) >= MAX_ACTIVE_UPLOADS) return;
      this.#offer(upload);
    }
  }

  #offer(upload: Upload): void {
    upload.stop();
    if (!this.#port.joined(upload.room)) {
      upload.phase = 'waiting';
      return;
    }
    if (this.#active(upload) >= MAX_ACTIVE_UPLOADS) {
      upload.phase = 'queued';
      return;
    }
    upload.phase = 'offering';
    this.#send(upload, {
      type: 'upload',
      room: upload.room,
      id: upload.id,
      name: upload.name,
      size: upload.size,
      mime: upload.mime,
      ...(upload.image ? { image: upload.image } : {}),
    });
  }

  #send(upload: Upload, frame: ClientFrameInput & { ref?: string }): void {
    const ref = `file-${++this.#n}`;
    this.#refs.set(ref, upload.id);
    this.#port.request({ ...frame, ref } as ClientFrameInput);
  }

  #run(upload: Upload, offset: number): void {
    const port = this.#port;
    sendFrom(
      upload,
      offset,
      {
        sendBinary: (frame) => port.sendBinary(frame),
        bufferedAmount: () => port.bufferedAmount(),
        end: (file, sha256) => this.#send(upload, { type: 'upload-end', file, sha256 }),
        now: () => port.now(),
      },
      { chunkBytes: this.#chunkBytes, maxQueuedBytes: this.maxQueuedBytes, checkpointBytes: this.checkpointBytes },
    ).catch((error: unknown) => {
      upload.phase = 'paused';
      upload.error = 'internal';
      upload.errorMessage = error instanceof Error ? error.message : String(error);
      this.#next();
    });
  }

  // ── from the host ─────────────────────────────────────────────────────────

  welcome(limits: HostFrameOf<'welcome'>['limits']): void {
    this.maxFileBytes = limits.maxFileBytes ?? null;
    this.#chunkBytes = limits.maxChunkBytes ?? DEFAULT_CHUNK_BYTES;
  }

  /** A room was (re-)joined: keep its key, resume its uploads, ask again about files still moving. */
  joined(frame: HostFrameOf<'joined'>): void {
    if (frame.fileKey !== undefined) this.keys.set(frame.room, frame.fileKey);
    for (const upload of this.uploads.values()) {
      if (upload.room !== frame.room) continue;
      if (upload.phase === 'cancelled' && upload.fileId !== null && !this.#settled(upload.fileId))
        this.#send(upload, { type: 'upload-cancel', file: upload.fileId });
      else if (upload.phase === 'waiting' || upload.phase === 'queued') this.#offer(upload);
    }
    for (const file of this.#seen.get(frame.room) ?? []) if (!this.#settled(file)) this.#ask(frame.room, file);
  }

  /** The connection dropped: every upload in progress stops and waits for the next join. */
  disconnected(): void {
    this.#refs.clear();
    for (const upload of this.uploads.values()) {
      if (upload.finished || upload.phase === 'paused') continue;
      upload.stop();
      upload.phase = 'waiting';
      upload.rate = 0;
    }
  }

  /** The host's reply to `upload`: send from its offset. */
  reply(frame: HostFrameOf<'upload'>): void {
    if (frame.ref) this.#refs.delete(frame.ref);
    const upload = this.uploads.get(frame.id);
    if (!upload) return;
    upload.fileId = frame.file;
    upload.seq = frame.seq;
    if (upload.phase === 'cancelled') return this.#send(upload, { type: 'upload-cancel', file: frame.file });
    if (upload.finished) return;
    this.#run(upload, frame.offset);
  }

  fileState(frame: HostFrameOf<'file-state'>): void {
    if (frame.ref) this.#refs.delete(frame.ref);
    const { type: _type, ref: _ref, room, ...info } = frame;
    this.#remember(room, info);
  }

  fileStatus(frame: HostFrameOf<'file-status'>): void {
    for (const info of frame.files) this.#remember(frame.room, info);
  }

  #remember(room: string, info: FileStateInfo): void {
    this.states.set(info.file, info);
    if (info.state !== 'uploading') this.#unfinished.delete(info.file); // only unfinished ones are kept
    this.#seenIn(room).add(info.file);
    const upload = this.uploadOf(info.file);
    if (!upload || upload.finished) return;
    if (info.state === 'uploading') return;
    upload.stop();
    upload.rate = 0;
    upload.phase = info.state;
    if (info.state === 'failed') upload.error = info.reason ?? 'lost';
    this.#next();
  }

  #settled(file: string): boolean {
    const state = this.states.get(file)?.state;
    return state === 'complete' || state === 'failed' || state === 'cancelled';
  }

  /**
   * An error frame about one of our uploads: act on it and return true; false when it is not ours.
   * Errors about chunks carry the file id (`id`), those about requests our ref.
   */
  error(frame: HostFrameOf<'error'>): boolean {
    const byRef = frame.ref !== undefined ? this.#refs.get(frame.ref) : undefined;
    if (frame.ref !== undefined) this.#refs.delete(frame.ref);
    const upload =
      (byRef !== undefined ? this.uploads.get(byRef) : undefined) ??
      (frame.id !== undefined ? (this.uploads.get(frame.id) ?? this.uploadOf(frame.id)) : undefined);
    if (!upload) return false;
    if (upload.finished) return true;
    const code = frame.code;
    if (code === 'too_many_uploads') {
      // The host's own limit (over every connection, or per connection): wait for one to finish.
      upload.stop();
      upload.phase = 'queued';
      setTimeout(() => this.#next(), QUEUE_RETRY_MS);
      return true;
    }
    if (code === 'rate_limited') {
      // A request of ours came too fast: the same step again, a little later.
      setTimeout(() => this.#offer(upload), frame.retryAfterMs ?? 1000);
      return true;
    }
    if (RESUMABLE.has(code)) {
      // Ask the host where it stands and go on from there (not_joined: after the join).
      this.#offer(upload);
      return true;
    }
    upload.stop();
    upload.rate = 0;
    upload.error = code;
    upload.errorMessage = frame.message;
    if (code === 'upload_closed' && upload.fileId !== null) {
      // Already complete, failed or cancelled on the host: its state says which.
      upload.phase = 'verifying';
      this.#ask(upload.room, upload.fileId);
      return true;
    }
    const started = upload.fileId !== null;
    upload.phase = PAUSING.has(code) && (started || code !== 'storage_full') ? 'paused' : 'failed';
    this.#next();
    return true;
  }

  /** Messages arrived (live or from history): ask the state of files we know nothing of. */
  seen(room: string, messages: readonly StoredMessage[]): void {
    for (const message of messages) {
      if (message.kind !== 'file') continue;
      const read = readContent(message);
      if (!read.ok || read.content.kind !== 'file') continue;
      const body = read.content.body;
      const file = body.file;
      this.#seenIn(room).add(file);
      const ours = isMine(message, this.#port.device()) && !this.uploadOf(file) && !this.uploads.has(message.id);
      if (ours && !this.#settled(file))
        this.#unfinished.set(file, { room, id: message.id, name: body.name, size: body.size });
      if (!this.states.has(file)) this.#ask(room, file);
    }
  }

  #seenIn(room: string): Set<string> {
    let files = this.#seen.get(room);
    if (!files) {
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, not shown
      files = new Set();
      this.#seen.set(room, files);
    }
    return files;
  }

  #ask(room: string, file: string): void {
    const pending = this.#toAsk.get(room);
    if (pending) return void pending.add(file);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, not shown
    this.#toAsk.set(room, new Set([file]));
    queueMicrotask(() => {
      const files = [...(this.#toAsk.get(room) ?? [])];
      this.#toAsk.delete(room);
      if (!this.#port.joined(room)) return; // asked again after the join
      for (let i = 0; i < files.length; i += MAX_STATUS_FILES)
        this.#port.request({ type: 'file-status', room, files: files.slice(i, i + MAX_STATUS_FILES) });
    });
  }
}
