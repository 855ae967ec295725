import type { DatabaseSync, StatementSync } from 'node:sqlite';

export type FileRecordState = 'uploading' | 'complete' | 'failed' | 'cancelled';

/** One file sent through the host, as stored (migration 6). Its bytes are on disk, named by `id`. */
export interface FileRecord {
  id: string;
  roomId: number;
  /** The uploader's device tag: only it may send the bytes, end or cancel. */
  device: string;
  /** The uploader's own id for the upload, unique per device and room (also its message's id). */
  clientId: string;
  /** The room's `file` message, once stored. */
  seq: number | null;
  name: string;
  mime: string;
  size: number;
  image: { width: number; height: number } | null;
  state: FileRecordState;
  reason: string | null;
  sha256: string | null;
  /** True when the bytes are the inline image type `mime` claims (checked at completion). */
  inlineOk: boolean;
  createdAt: number;
  updatedAt: number;
}

export type NewFileRecord = Omit<FileRecord, 'seq' | 'state' | 'reason' | 'sha256' | 'inlineOk' | 'updatedAt'>;

type FileRow = {
  id: string;
  room_id: number;
  device: string;
  client_id: string;
  seq: number | null;
  name: string;
  mime: string;
  size: number;
  image_width: number | null;
  image_height: number | null;
  state: FileRecordState;
  reason: string | null;
  sha256: string | null;
  inline_ok: number;
  created_at: number;
  updated_at: number;
};

function toRecord(row: FileRow): FileRecord {
  return {
    id: row.id,
    roomId: row.room_id,
    device: row.device,
    clientId: row.client_id,
    seq: row.seq,
    name: row.name,
    mime: row.mime,
    size: row.size,
    image:
      row.image_width !== null && row.image_height !== null
        ? { width: row.image_width, height: row.image_height }
        : null,
    state: row.state,
    reason: row.reason,
    sha256: row.sha256,
    inlineOk: row.inline_ok === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The files table: one row per upload, from offer to complete (or failed, or cancelled). The bytes
 * themselves are the file service's, on disk; this is what it needs to find and describe them.
 */
export class FileRecords {
  readonly #byId: StatementSync;
  readonly #byClient: StatementSync;
  readonly #insert: StatementSync;
  readonly #setSeq: StatementSync;
  readonly #touch: StatementSync;
  readonly #finish: StatementSync;
  readonly #delete: StatementSync;
  readonly #inState: StatementSync;
  readonly #usedBytes: StatementSync;

  constructor(db: DatabaseSync) {
    this.#byId = db.prepare('SELECT * FROM files WHERE id = ?');
    this.#byClient = db.prepare('SELECT * FROM files WHERE room_id = ? AND device = ? AND client_id = ?');
    this.#insert = db.prepare(
      `INSERT INTO files (id, room_id, device, client_id, name, mime, size, image_width, image_height, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'uploading', ?, ?)`,
    );
    this.#setSeq = db.prepare('UPDATE files SET seq = ? WHERE id = ?');
    this.#touch = db.prepare('UPDATE files SET updated_at = ? WHERE id = ?');
    this.#finish = db.prepare(
      'UPDATE files SET state = ?, reason = ?, sha256 = ?, inline_ok = ?, updated_at = ? WHERE id = ?',
    );
    this.#delete = db.prepare('DELETE FROM files WHERE id = ?');
    this.#inState = db.prepare('SELECT * FROM files WHERE state = ?');
    this.#usedBytes = db.prepare(
      "SELECT COALESCE(SUM(size), 0) AS used FROM files WHERE state IN ('uploading', 'complete')",
    );
  }

  get(id: string): FileRecord | undefined {
    const row = this.#byId.get(id) as FileRow | undefined;
    return row && toRecord(row);
  }

  /** The upload a device offered in a room under its own id, if any. */
  byClient(roomId: number, device: string, clientId: string): FileRecord | undefined {
    const row = this.#byClient.get(roomId, device, clientId) as FileRow | undefined;
    return row && toRecord(row);
  }

  insert(record: NewFileRecord): FileRecord {
    const { id, roomId, device, clientId, name, mime, size, image, createdAt } = record;
    this.#insert.run(
      id,
      roomId,
      device,
      clientId,
      name,
      mime,
      size,
      image?.width ?? null,
      image?.height ?? null,
      createdAt,
      createdAt,
    );
    return this.get(id)!;
  }

  setSeq(id: string, seq: number): void {
    this.#setSeq.run(seq, id);
  }

  /** Note that the upload is alive (its stall timeout counts from here). */
  touch(id: string, now: number): void {
    this.#touch.run(now, id);
  }

  finish(
    id: string,
    state: Exclude<FileRecordState, 'uploading'>,
    now: number,
    details: { reason?: string; sha256?: string; inlineOk?: boolean } = {},
  ): void {
    this.#finish.run(state, details.reason ?? null, details.sha256 ?? null, details.inlineOk ? 1 : 0, now, id);
  }

  /** Forget a record (an offer whose message could not be stored). */
  delete(id: string): void {
    this.#delete.run(id);
  }

  inState(state: FileRecordState): FileRecord[] {
    return (this.#inState.all(state) as FileRow[]).map(toRecord);
  }

  /** Bytes counted against the quota: every complete file, and the whole declared size of every upload in progress. */
  usedBytes(): number {
    return (this.#usedBytes.get() as { used: number }).used;
  }
}
