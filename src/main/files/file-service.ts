import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { open, rename, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import {
  binaryIdHex,
  formatBytes,
  INLINE_IMAGE_TYPES,
  type BinaryFrame,
  type ClientFrameOf,
  type ErrorCode,
  type FileBody,
  type FileStateInfo,
  type HostFrame,
  type HostFrameOf,
  type Limits,
} from '../../shared/protocol/index.ts';
import { safeFileName } from '../../shared/files/safe-file-name.ts';
import { sendError, type ErrorExtra, type Recipient, type Room, type RoomHub } from '../host/index.ts';
import type { Logger } from '../logger.ts';
import type { FileRecord, FileRecords } from '../store/index.ts';
import { fileKeyOf } from './file-key.ts';
import { IMAGE_SNIFF_BYTES, sniffImageType } from './image-type.ts';
import { Upload, type ChunkSender } from './upload.ts';

/** What the file service needs of a member's connection (the host's Session is one). */
export type FileSession = Recipient &
  ChunkSender & {
    readonly deviceTag: string;
    readonly open: boolean;
    send(frame: HostFrame): void;
  };

export type FileLimits = Pick<
  Limits,
  'maxFileBytes' | 'fileQuotaBytes' | 'uploadIdleTimeoutMs' | 'maxUploadsPerConnection' | 'maxUploads'
>;

export interface FileServiceOptions {
  records: FileRecords;
  hub: RoomHub;
  /** Where the bytes live: `<id>` for complete files, `<id>.part` while uploading. */
  dir: string;
  limits: FileLimits;
  clock: () => number;
  logger: Logger;
  /** The host's secret for file keys (file-key.ts). */
  secret: Buffer;
}

/** How often members hear how far each upload in progress has got. */
export const PROGRESS_INTERVAL_MS = 250;
/** How often stalled uploads are looked for. */
const REAP_INTERVAL_MS = 60_000;
/** How often an upload that keeps receiving notes so in the database (its stall timeout counts from there). */
const TOUCH_INTERVAL_MS = 5_000;
/** Longest `file` message text fallback, in UTF-16 units (message-kinds.ts). */
const MAX_FALLBACK_LENGTH = 300;

interface Active {
  record: FileRecord;
  room: Room;
  upload: Upload;
  /** The connection sending its bytes now. */
  sender: FileSession | undefined;
  touchedAt: number;
  /** Set while `upload-end` or `upload-cancel` is finishing it: every other request is refused. */
  closing: boolean;
}

type Refusal = { code: ErrorCode; message?: string };

/**
 * Files sent through the host (docs/protocol.md, "Files"). An offer becomes a `file` message in the
 * room at once and a partial file on disk; chunks are appended at exactly the offset the host
 * expects, hashed as they are written; the sender's SHA-256 is checked before the file counts as
 * complete, and only complete files are served. An upload survives a dropped connection and a host
 * restart: what its partial file holds is what the host has, and the sender resumes from there.
 */
export class FileService {
  readonly limits: FileLimits;
  readonly #records: FileRecords;
  readonly #hub: RoomHub;
  readonly #dir: string;
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #secret: Buffer;
  readonly #active = new Map<string, Active>();
  /** Uploads being reopened after a restart, so two resumes of one file share the work. */
  readonly #reopening = new Map<string, Promise<Active>>();
  /** Offers in progress, by room, device and id: a repeat waits for the first instead of racing it. */
  readonly #offers = new Map<string, Promise<void>>();
  /** Admitted offers not yet in #active, by connection: counted against the caps. */
  readonly #offering = new Map<FileSession, number>();
  /** Bytes counted against fileQuotaBytes: complete files and the declared size of uploads in progress. */
  #usedBytes: number;
  #progressTimer: NodeJS.Timeout | undefined;
  readonly #reapTimer: NodeJS.Timeout;

  constructor({ records, hub, dir, limits, clock, logger, secret }: FileServiceOptions) {
    this.limits = limits;
    this.#records = records;
    this.#hub = hub;
    this.#dir = dir;
    this.#clock = clock;
    this.#logger = logger;
    this.#secret = secret;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#recover();
    this.#usedBytes = records.usedBytes();
    this.#reapTimer = setInterval(() => void this.reapStalled(), REAP_INTERVAL_MS).unref();
  }

  /** The key members of `room` use in file URLs (given in `joined`). */
  keyFor(room: Room): string {
    return fileKeyOf(this.#secret, room.name, room.credential);
  }

  /** Bytes counted against the quota now. */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  // Uploading -------------------------------------------------------------------------------------

  /** `upload`: offer a new file, or learn where an upload offered before (same id) stands. */
  async offer(session: FileSession, room: Room, frame: ClientFrameOf<'upload'>): Promise<void> {
    const key = `${room.id}\n${session.deviceTag}\n${frame.id}`;
    const earlier = this.#offers.get(key);
    const mine = (earlier ?? Promise.resolve()).then(() => this.#offer(session, room, frame));
    const settled = mine.catch(() => undefined);
    this.#offers.set(key, settled);
    void settled.then(() => {
      if (this.#offers.get(key) === settled) this.#offers.delete(key);
    });
    return mine;
  }

  async #offer(session: FileSession, room: Room, frame: ClientFrameOf<'upload'>): Promise<void> {
    const about = { ref: frame.ref, room: room.name, id: frame.id };
    const refuse = (refusal: Refusal) => this.#refuse(session, refusal, about);
    const existing = this.#records.byClient(room.id, session.deviceTag, frame.id);
    if (existing) {
      if (existing.size !== frame.size) {
        return refuse({ code: 'invalid_frame', message: 'This upload id was used for a file of another size.' });
      }
      return this.#resume(session, room, existing, frame);
    }
    // Counted before the first await, so offers that arrive together cannot all pass the caps.
    const refusal = this.#admit(session, frame.size);
    if (refusal) return refuse(refusal);
    this.#offering.set(session, (this.#offering.get(session) ?? 0) + 1);
    this.#usedBytes += frame.size;
    let started = false;
    try {
      const full = await this.#diskRefusal(frame.size);
      if (full) return refuse(full);
      started = await this.#start(session, room, frame);
    } finally {
      const left = this.#offering.get(session)! - 1;
      if (left === 0) this.#offering.delete(session);
      else this.#offering.set(session, left);
      if (!started) this.#usedBytes -= frame.size;
    }
  }

  /** Make the record, the partial file and the `file` message of an admitted offer. False when it could not. */
  async #start(session: FileSession, room: Room, frame: ClientFrameOf<'upload'>): Promise<boolean> {
    const about = { ref: frame.ref, room: room.name, id: frame.id };
    const now = this.#clock();
    const name = safeFileName(frame.name);
    const record = this.#records.insert({
      id: randomBytes(16).toString('hex'),
      roomId: room.id,
      device: session.deviceTag,
      clientId: frame.id,
      name,
      mime: frame.mime,
      size: frame.size,
      image: frame.image ?? null,
      createdAt: now,
    });
    let upload: Upload;
    try {
      upload = await Upload.create(this.#partPath(record.id), record.size, now, (error) =>
        this.#writeFailed(record.id, error),
      );
    } catch (error) {
      this.#records.delete(record.id);
      throw error;
    }
    const active: Active = { record, room, upload, sender: session, touchedAt: now, closing: false };
    this.#active.set(record.id, active);
    this.#startProgress();

    const body: FileBody = { file: record.id, name, size: record.size, mime: record.mime };
    if (record.image) body.image = record.image;
    const seq = await this.#postFileMessage(session, room, frame.id, body);
    if (typeof seq !== 'number') {
      this.#active.delete(record.id);
      await upload.discard();
      this.#records.delete(record.id);
      // A retry with the same id would meet the same message: only a new id helps, so not storage_failed.
      const refusal: Refusal =
        seq === 'duplicate'
          ? {
              code: 'invalid_frame',
              message: 'This id is already another message of this device: offer the file with a new id.',
            }
          : { code: 'storage_failed' };
      this.#refuse(session, refusal, about);
      return false;
    }
    record.seq = seq;
    this.#records.setSeq(record.id, seq);
    session.send({ type: 'upload', ...about, file: record.id, seq, offset: 0, resumed: false });
    return true;
  }

  /** Why an upload of `size` bytes cannot start now (offers still starting count too), or null when it can. */
  #admit(session: FileSession, size: number): Refusal | null {
    const { maxFileBytes, fileQuotaBytes, maxUploads, maxUploadsPerConnection } = this.limits;
    if (size > maxFileBytes) {
      return { code: 'file_too_large', message: `Files may be at most ${formatBytes(maxFileBytes)} on this host.` };
    }
    let starting = 0;
    for (const count of this.#offering.values()) starting += count;
    const mine =
      [...this.#active.values()].filter((a) => a.sender === session).length + (this.#offering.get(session) ?? 0);
    if (mine >= maxUploadsPerConnection || this.#active.size + starting >= maxUploads) {
      return {
        code: 'too_many_uploads',
        message: `At most ${maxUploadsPerConnection} uploads per connection and ${maxUploads} on the host at once; wait for one to finish.`,
      };
    }
    if (this.#usedBytes + size > fileQuotaBytes) {
      const left = Math.max(0, fileQuotaBytes - this.#usedBytes);
      return {
        code: 'quota_exceeded',
        message: `The host keeps at most ${formatBytes(fileQuotaBytes)} of files; ${formatBytes(left)} (${left} bytes) is left.`,
      };
    }
    return null;
  }

  /** `storage_full` when the disk has less free space than `size`, else null. */
  async #diskRefusal(size: number): Promise<Refusal | null> {
    const disk = await statfs(this.#dir);
    if (disk.bavail * disk.bsize < size) {
      return { code: 'storage_full', message: `The host's disk has ${formatBytes(disk.bavail * disk.bsize)} free.` };
    }
    return null;
  }

  /** Post the `file` message through the hub: its seq, `duplicate` when the id is already another message of the device, null when it could not be stored. */
  #postFileMessage(session: FileSession, room: Room, id: string, body: FileBody): Promise<number | 'duplicate' | null> {
    const size = formatBytes(body.size);
    const text = `${body.name.slice(0, MAX_FALLBACK_LENGTH - size.length - 3)} (${size})`;
    return new Promise((resolve) => {
      this.#hub.post(
        room,
        {
          content: { kind: 'file', text, body },
          from: { nick: session.nick, device: session.deviceTag, source: 'member' },
          id,
        },
        // A duplicate means the id was already some other message of this device's: not this file's.
        (error, result) => resolve(error || !result ? null : result.duplicate ? 'duplicate' : result.seq),
      );
    });
  }

  /** The same id again: tell the sender where its upload stands, reopening it after a restart. */
  async #resume(session: FileSession, room: Room, record: FileRecord, frame: ClientFrameOf<'upload'>): Promise<void> {
    const about = { ref: frame.ref, room: room.name, id: frame.id };
    if (record.seq === null) return this.#refuse(session, { code: 'storage_failed' }, about);
    if (record.state !== 'uploading') {
      // Complete: nothing more to send. Failed or cancelled: only its state, so no client sends again.
      if (record.state === 'complete') {
        session.send({
          type: 'upload',
          ...about,
          file: record.id,
          seq: record.seq,
          offset: record.size,
          resumed: true,
        });
      }
      return session.send({ type: 'file-state', ref: frame.ref, room: room.name, ...this.#stateOf(record) });
    }
    let active = await this.#activate(record, room);
    if (active.closing) return this.#refuse(session, { code: 'upload_closed' }, about);
    await active.upload.settled();
    if (active.upload.broken) active = await this.#reactivate(active);
    active.upload.desynced = false;
    active.sender = session;
    active.upload.lastChunkAt = this.#clock();
    const offset = active.upload.received;
    session.send({ type: 'upload', ...about, file: record.id, seq: record.seq, offset, resumed: true });
  }

  /** The upload in progress for `record`, reopening its partial file if the host restarted since. */
  async #activate(record: FileRecord, room: Room): Promise<Active> {
    const known = this.#active.get(record.id);
    if (known) return known;
    let reopening = this.#reopening.get(record.id);
    if (!reopening) {
      reopening = Upload.reopen(this.#partPath(record.id), record.size, this.#clock(), (error) =>
        this.#writeFailed(record.id, error),
      ).then((upload) => {
        const active: Active = { record, room, upload, sender: undefined, touchedAt: this.#clock(), closing: false };
        this.#active.set(record.id, active);
        this.#startProgress();
        return active;
      });
      this.#reopening.set(record.id, reopening);
      void reopening.finally(() => this.#reopening.delete(record.id)).catch(() => undefined);
    }
    return reopening;
  }

  /** Close an upload whose hash ran ahead of its disk (a write failed) and open it again from the disk. */
  async #reactivate(active: Active): Promise<Active> {
    this.#active.delete(active.record.id);
    await active.upload.close();
    return this.#activate(active.record, active.room);
  }

  /** A binary `fileChunk`: bytes of an upload, at exactly the offset the host expects next. */
  chunk(session: FileSession, frame: BinaryFrame): void {
    const file = binaryIdHex(frame.id);
    const active = this.#active.get(file);
    const about = { id: file };
    if (!active) {
      const record = this.#records.get(file);
      if (!record || !this.#canSee(session, record)) return this.#refuse(session, { code: 'file_not_found' }, about);
      // Uploading but not open: the host restarted; the sender must ask where to resume.
      const code = record.state === 'uploading' ? 'upload_offset' : 'upload_closed';
      return this.#refuse(session, { code }, { ...about, room: this.#roomName(record) });
    }
    const { upload, record, room } = active;
    const inRoom = { ...about, room: room.name };
    if (!this.#hub.isIn(session, room)) return this.#refuse(session, { code: 'file_not_found' }, about);
    if (session.deviceTag !== record.device) return this.#refuse(session, { code: 'not_uploader' }, inRoom);
    if (active.closing) return this.#refuse(session, { code: 'upload_closed' }, inRoom);
    if (active.sender !== session) {
      // Another connection of the device resumed it: what the old one still had queued is dropped.
      if (active.sender?.open) return;
      // Nobody resumed it since the host (re)opened it: the sender must ask where to continue.
      if (upload.desynced) return;
      upload.desynced = true;
      return this.#refuse(session, { code: 'upload_offset', message: 'Send `upload` again to resume.' }, inRoom);
    }
    if (upload.desynced) return; // told once already; waiting for the sender's `upload`
    const end = frame.offset + frame.payload.length;
    if (frame.offset !== upload.nextOffset || end > record.size) {
      upload.desynced = true;
      const message =
        end > record.size
          ? `The chunk ends at byte ${end}, past the file's ${record.size} bytes.`
          : `The chunk starts at byte ${frame.offset}; the host expects ${upload.nextOffset}. Send \`upload\` again to resume.`;
      return this.#refuse(session, { code: 'upload_offset', message }, inRoom);
    }
    upload.lastChunkAt = this.#clock();
    if (frame.payload.length > 0) {
      upload.append(Buffer.from(frame.payload.buffer, frame.payload.byteOffset, frame.payload.length), session);
    }
  }

  /** `upload-end`: every byte is in; check the sender's SHA-256 and make the file complete, or failed. */
  async end(session: FileSession, frame: ClientFrameOf<'upload-end'>): Promise<void> {
    const found = await this.#forSender(session, frame.file, frame.ref);
    if (!found) return;
    const { record, room, upload } = found;
    const about = { ref: frame.ref, room: room.name, id: record.id };
    found.closing = true;
    await upload.settled();
    if (upload.broken || upload.received !== record.size) {
      found.closing = false;
      return this.#refuse(
        session,
        { code: 'upload_incomplete', message: `The host has ${upload.received} of ${record.size} bytes.` },
        about,
      );
    }
    const sha256 = await upload.complete();
    this.#active.delete(record.id);
    const now = this.#clock();
    if (sha256 !== frame.sha256) {
      await upload.discard();
      this.#usedBytes -= record.size;
      this.#records.finish(record.id, 'failed', now, { reason: 'hash_mismatch' });
      this.#announce(room, { ...record, state: 'failed', reason: 'hash_mismatch' }, session, frame.ref);
      return this.#refuse(
        session,
        { code: 'hash_mismatch', message: `The host's SHA-256 of the ${record.size} bytes is ${sha256}.` },
        about,
      );
    }
    const path = this.#completePath(record.id);
    await rename(upload.path, path);
    await syncDirectory(this.#dir);
    const inlineOk = await this.#isInlineImage(path, record.mime);
    this.#records.finish(record.id, 'complete', now, { sha256, inlineOk });
    if (record.seq !== null) {
      const body: FileBody = { file: record.id, name: record.name, size: record.size, mime: record.mime, sha256 };
      if (record.image) body.image = record.image;
      this.#hub.amendBody(room, record.seq, body);
    }
    this.#announce(room, { ...record, state: 'complete', sha256, inlineOk }, session, frame.ref);
  }

  /** `upload-cancel`: stop the upload and delete what was stored of it. */
  async cancel(session: FileSession, frame: ClientFrameOf<'upload-cancel'>): Promise<void> {
    const found = await this.#forSender(session, frame.file, frame.ref);
    if (!found) return;
    found.closing = true;
    await this.#close(found, 'cancelled', undefined, session, frame.ref);
  }

  /** The upload `file` when `session` may end or cancel it; otherwise the refusal is sent and null returned. */
  async #forSender(session: FileSession, file: string, ref: string | undefined): Promise<Active | null> {
    const record = this.#records.get(file);
    if (!record || !this.#canSee(session, record)) {
      this.#refuse(session, { code: 'file_not_found' }, { ref, id: file });
      return null;
    }
    const about = { ref, room: this.#roomName(record), id: file };
    if (record.device !== session.deviceTag) {
      this.#refuse(session, { code: 'not_uploader' }, about);
      return null;
    }
    const room = this.#hub.joinedRoom(session, about.room)!;
    const active = record.state === 'uploading' ? await this.#activate(record, room) : undefined;
    if (!active || active.closing) {
      this.#refuse(session, { code: 'upload_closed' }, about);
      return null;
    }
    return active;
  }

  /** End an upload that will not complete: its partial file goes, its bytes leave the quota, members are told. */
  async #close(
    active: Active,
    state: 'failed' | 'cancelled',
    reason: string | undefined,
    requester?: FileSession,
    ref?: string,
  ): Promise<void> {
    const { record, room, upload } = active;
    this.#active.delete(record.id);
    await upload.discard();
    this.#usedBytes -= record.size;
    this.#records.finish(record.id, state, this.#clock(), reason ? { reason } : {});
    const closed = { ...record, state, reason: reason ?? null };
    this.#announce(room, closed, requester, ref);
  }

  #writeFailed(file: string, error: Error): void {
    const active = this.#active.get(file);
    if (!active) return;
    active.upload.desynced = true;
    const code = (error as NodeJS.ErrnoException).code;
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    if (!full) this.#logger.error(`writing upload ${file}: ${error.stack ?? error.message}`);
    const sender = active.sender;
    if (sender?.open) {
      const message = full
        ? `The host's disk is full after ${active.upload.received} bytes; they are kept. Send \`upload\` again later to resume.`
        : undefined;
      this.#refuse(sender, { code: full ? 'storage_full' : 'internal', message }, { room: active.room.name, id: file });
    }
  }

  /** Fail every upload that received nothing for uploadIdleTimeoutMs. Resolves once they are gone. */
  async reapStalled(): Promise<number> {
    const now = this.#clock();
    const cutoff = now - this.limits.uploadIdleTimeoutMs;
    const stalled: Promise<void>[] = [];
    for (const record of this.#records.inState('uploading')) {
      const active = this.#active.get(record.id);
      const last = Math.max(record.updatedAt, active?.upload.lastChunkAt ?? 0);
      if (last > cutoff || active?.closing || this.#reopening.has(record.id)) continue;
      if (active) {
        active.closing = true;
        stalled.push(this.#close(active, 'failed', 'stalled'));
      } else {
        unlinkQuietly(this.#partPath(record.id));
        this.#usedBytes -= record.size;
        this.#records.finish(record.id, 'failed', now, { reason: 'stalled' });
        const room = this.#roomOf(record);
        if (room) this.#announce(room, { ...record, state: 'failed', reason: 'stalled' });
      }
    }
    await Promise.all(stalled);
    return stalled.length;
  }

  // State -----------------------------------------------------------------------------------------

  /** `file-status`: the state of files of a joined room. */
  status(session: FileSession, room: Room, frame: ClientFrameOf<'file-status'>): void {
    const files: FileStateInfo[] = [];
    for (const id of new Set(frame.files)) {
      const record = this.#records.get(id);
      if (record && record.roomId === room.id) files.push(this.#stateOf(record));
    }
    session.send({ type: 'file-status', ref: frame.ref, room: room.name, files });
  }

  #stateOf(record: FileRecord): FileStateInfo {
    const info: FileStateInfo = { file: record.id, state: record.state, received: 0, size: record.size };
    if (record.state === 'complete') {
      info.received = record.size;
      if (record.sha256) info.sha256 = record.sha256;
      if (record.inlineOk) info.inline = true;
    } else if (record.state === 'uploading') {
      info.received = this.#active.get(record.id)?.upload.received ?? sizeOf(this.#partPath(record.id));
    } else if (record.state === 'failed') {
      info.reason = (record.reason ?? 'lost') as FileStateInfo['reason'];
    }
    return info;
  }

  /** Tell the room a file's state; the requester gets its copy with `ref`. */
  #announce(room: Room, record: FileRecord, requester?: FileSession, ref?: string): void {
    const frame: HostFrameOf<'file-state'> = { type: 'file-state', room: room.name, ...this.#stateOf(record) };
    this.#hub.broadcast(room, frame, requester);
    if (requester?.open) requester.send(ref === undefined ? frame : { ...frame, ref });
  }

  #startProgress(): void {
    this.#progressTimer ??= setInterval(() => this.#reportProgress(), PROGRESS_INTERVAL_MS).unref();
  }

  /** Every upload that moved since the last report, to its room; and a note in the database now and then. */
  #reportProgress(): void {
    if (this.#active.size === 0) {
      clearInterval(this.#progressTimer);
      this.#progressTimer = undefined;
      return;
    }
    const now = this.#clock();
    for (const active of this.#active.values()) {
      const { upload, record, room } = active;
      if (active.closing || upload.received === upload.reported) continue;
      upload.reported = upload.received;
      this.#announce(room, record);
      if (now - active.touchedAt >= TOUCH_INTERVAL_MS) {
        active.touchedAt = now;
        this.#records.touch(record.id, upload.lastChunkAt);
      }
    }
  }

  // Downloading -----------------------------------------------------------------------------------

  /**
   * The file `id` for a request that presents `key`, when it is complete and the key is its room's;
   * `incomplete` when the key is right but the bytes are not all in (or failed); null otherwise.
   */
  download(id: string, matches: (roomKey: string) => boolean): DownloadTarget | 'incomplete' | null {
    const record = this.#records.get(id);
    const room = record && this.#roomOf(record);
    if (!record || !room || !matches(this.keyFor(room))) return null;
    if (record.state !== 'complete' || !record.sha256) return 'incomplete';
    return { path: this.#completePath(record.id), record, sha256: record.sha256 };
  }

  // Lifecycle -------------------------------------------------------------------------------------

  /** Stop: uploads in progress keep their partial files, to resume when the host starts again. */
  async close(): Promise<void> {
    clearInterval(this.#reapTimer);
    clearInterval(this.#progressTimer);
    this.#progressTimer = undefined;
    await Promise.allSettled([...this.#reopening.values()]);
    const open = [...this.#active.values()];
    this.#active.clear();
    for (const active of open) this.#records.touch(active.record.id, active.upload.lastChunkAt);
    await Promise.all(open.map((a) => a.upload.close()));
  }

  /** At start: files whose bytes are gone are failed; partial files nobody is uploading are deleted. */
  #recover(): void {
    const now = this.#clock();
    const uploading = new Set<string>();
    for (const record of this.#records.inState('uploading')) {
      if (existsSync(this.#partPath(record.id))) uploading.add(`${record.id}.part`);
      else this.#records.finish(record.id, 'failed', now, { reason: 'lost' });
    }
    for (const record of this.#records.inState('complete')) {
      if (!existsSync(this.#completePath(record.id)))
        this.#records.finish(record.id, 'failed', now, { reason: 'lost' });
    }
    for (const name of readdirSync(this.#dir)) {
      if (name.endsWith('.part') && !uploading.has(name)) unlinkQuietly(join(this.#dir, name));
    }
  }

  #refuse(session: FileSession, { code, message }: Refusal, about: ErrorExtra): void {
    sendError(session, code, about, message);
  }

  /** A member sees a file when it is in the file's room. */
  #canSee(session: FileSession, record: FileRecord): boolean {
    const room = this.#roomOf(record);
    return room !== undefined && this.#hub.isIn(session, room);
  }

  #roomOf(record: FileRecord): Room | undefined {
    return this.#hub.byId(record.roomId);
  }

  #roomName(record: FileRecord): string {
    return this.#roomOf(record)!.name;
  }

  async #isInlineImage(path: string, mime: string): Promise<boolean> {
    if (!(INLINE_IMAGE_TYPES as readonly string[]).includes(mime)) return false;
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(IMAGE_SNIFF_BYTES);
      await handle.read(head, 0, IMAGE_SNIFF_BYTES, 0);
      return sniffImageType(head) === mime;
    } finally {
      await handle.close();
    }
  }

  #partPath(id: string): string {
    return join(this.#dir, `${id}.part`);
  }

  #completePath(id: string): string {
    return join(this.#dir, id);
  }
}

export interface DownloadTarget {
  path: string;
  record: FileRecord;
  sha256: string;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** fsync a directory, so a rename in it survives a power cut. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
