import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { MessageSource, StoredMessage } from '../../shared/protocol/index.ts';
import { rankCandidates, roomToken, searchWords, toFtsQuery } from './message-search.ts';

export interface RoomRecord {
  id: number;
  name: string;
  /** scrypt, from before SCRAM; null once the room has a verifier. */
  passwordHash: string | null;
  /** The room password's SCRAM-SHA-256 verifier, or null. */
  verifier: string | null;
}

/** A message on its way into storage; the store gives it its sequence number. */
export interface NewMessage {
  roomId: number;
  clientId: string;
  device: string;
  nick: string;
  source: MessageSource;
  kind: string;
  /** The message for `text`; the readable fallback for other kinds (also what search indexes). */
  text: string;
  /** The kind's fields as JSON, or null (text has none). */
  body: string | null;
  ts: number;
}

export interface AppendResult {
  seq: number;
  ts: number;
  /** True when (room, device, clientId) was already stored: the retry is acked with the original. */
  duplicate: boolean;
}

export interface Page {
  messages: StoredMessage[];
  more: boolean;
}

export interface SearchOptions {
  /** Newest matches ranked at most (the bound on a search's cost). */
  candidates: number;
}

export interface SearchResult {
  /** Best match first. */
  messages: StoredMessage[];
  /** True when more messages may match than were returned (the limit or the candidate bound was reached). */
  more: boolean;
  /** Index entries the search read: the candidates. */
  examined: number;
}

interface MessageRow {
  seq: number;
  client_id: string;
  device: string;
  nick: string;
  source: string;
  kind: string;
  text: string;
  body: string | null;
  ts: number;
}

const COLUMNS = 'seq, client_id, device, nick, source, kind, text, body, ts';

const ROOM_COLUMNS = 'id, name, password_hash, scram_verifier';
// A type, not an interface: node:sqlite's row type converts only to an object literal type.
type RoomRow = {
  id: number;
  name: string;
  password_hash: string | null;
  scram_verifier: string | null;
};
const roomRecord = (r: RoomRow): RoomRecord => ({
  id: r.id,
  name: r.name,
  passwordHash: r.password_hash,
  verifier: r.scram_verifier,
});

/** Characters of each candidate's text that search ranks on. */
const RANK_HEAD_CHARS = 300;

/** What a message's fields other than text, nick and body add to a page, at most (numbers, keys, quotes). */
const MESSAGE_OVERHEAD_BYTES = 200;

/**
 * Bytes a message adds to a page as the client receives it: its strings JSON-escaped, as UTF-8 (a
 * quote or a newline is two bytes there, a control character six), plus the fields around them.
 */
function messageBytes(row: MessageRow): number {
  return (
    MESSAGE_OVERHEAD_BYTES +
    Buffer.byteLength(JSON.stringify(row.text)) +
    Buffer.byteLength(JSON.stringify(row.nick)) +
    row.client_id.length +
    (row.body === null ? 0 : Buffer.byteLength(row.body))
  );
}

/**
 * Read rows one by one until `limit` of them or `maxBytes` (always at least one), so a page of
 * long messages stops early instead of reading them all first. `more` when any row was left.
 */
function pageOf(iterator: Iterator<unknown>, limit: number, maxBytes: number): { rows: MessageRow[]; more: boolean } {
  const rows: MessageRow[] = [];
  let total = 0;
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    const row = next.value as MessageRow;
    total += messageBytes(row);
    if (rows.length >= limit || (rows.length > 0 && total > maxBytes)) {
      iterator.return?.();
      return { rows, more: true };
    }
    rows.push(row);
  }
  return { rows, more: false };
}

/** A row as clients see it: `source` only when not a member's, `body` only when the kind has one. */
function toMessage(row: MessageRow): StoredMessage {
  const from =
    row.source === 'member'
      ? { nick: row.nick, device: row.device }
      : { nick: row.nick, device: row.device, source: row.source as MessageSource };
  return {
    seq: row.seq,
    id: row.client_id,
    from,
    kind: row.kind,
    text: row.text,
    ...(row.body === null ? {} : { body: JSON.parse(row.body) as Record<string, unknown> }),
    ts: row.ts,
  };
}

/**
 * Rooms and their messages in SQLite. Owns each room's sequence counter: sequence numbers are given
 * out inside the write transaction, so they are dense and never reused, even across restarts.
 */
export class MessageStore {
  readonly #db: DatabaseSync;
  readonly #heads = new Map<number, number>();
  /** Per room and feed, the seq up to which pruneFeed has already deleted (nothing of the feed lies below). */
  readonly #feedFloors = new Map<string, number>();
  readonly #insert: StatementSync;
  readonly #index: StatementSync;
  readonly #findDuplicate: StatementSync;
  readonly #after: StatementSync;
  readonly #before: StatementSync;
  readonly #search: StatementSync;
  readonly #byIds: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO messages (room_id, seq, client_id, device, nick, source, kind, text, body, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#index = db.prepare('INSERT INTO messages_fts (rowid, text, room) VALUES (?, ?, ?)');
    this.#findDuplicate = db.prepare('SELECT seq, ts FROM messages WHERE room_id = ? AND device = ? AND client_id = ?');
    this.#after = db.prepare(
      `SELECT ${COLUMNS} FROM messages WHERE room_id = ? AND seq > ? AND seq < ? ORDER BY seq LIMIT ?`,
    );
    this.#before = db.prepare(
      `SELECT ${COLUMNS} FROM messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    );
    // Newest matches first, so the index can stop after `candidates` rows; the rows come from messages.
    // Only the head of each candidate's text is read for ranking (RANK_HEAD_CHARS), so 500 long
    // messages cost what 500 short ones do; the winners' full rows are read afterwards.
    this.#search = db.prepare(
      `SELECT id, substr(text, 1, ${RANK_HEAD_CHARS}) AS text FROM messages WHERE id IN (
         SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?
       ) ORDER BY id DESC`,
    );
    this.#byIds = db.prepare(`SELECT id, ${COLUMNS} FROM messages WHERE id IN (SELECT value FROM json_each(?))`);
    const heads = db.prepare('SELECT room_id, MAX(seq) AS head FROM messages GROUP BY room_id').all() as {
      room_id: number;
      head: number;
    }[];
    for (const { room_id, head } of heads) this.#heads.set(room_id, head);
  }

  /** A value from the key/value `meta` table, set to `create()` the first time it is asked for. */
  meta(key: string, create: () => string): string {
    this.#db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, create());
    return (this.#db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value;
  }

  listRooms(): RoomRecord[] {
    const rows = this.#db.prepare(`SELECT ${ROOM_COLUMNS} FROM rooms ORDER BY name`).all() as RoomRow[];
    return rows.map(roomRecord);
  }

  /** Create the room, or return it unchanged when it exists. */
  ensureRoom(name: string, now: number): RoomRecord {
    this.#db.prepare('INSERT OR IGNORE INTO rooms (name, created_at) VALUES (?, ?)').run(name, now);
    return roomRecord(this.#db.prepare(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE name = ?`).get(name) as RoomRow);
  }

  /** Remember a revoked join token (by digest) until `expiresAt`; expired ones are forgotten. */
  revokeJoinToken(digest: string, expiresAt: number, now: number): void {
    this.#db.prepare('DELETE FROM revoked_join_tokens WHERE expires_at <= ?').run(now);
    this.#db
      .prepare('INSERT OR REPLACE INTO revoked_join_tokens (digest, expires_at) VALUES (?, ?)')
      .run(digest, expiresAt);
  }

  isJoinTokenRevoked(digest: string): boolean {
    return this.#db.prepare('SELECT 1 FROM revoked_join_tokens WHERE digest = ?').get(digest) !== undefined;
  }

  /**
   * Replace a stored message's body: for facts that arrive after the message (a file's checked
   * hash). Its seq, text and author never change; members who already hold it hear of the change by
   * other frames.
   */
  amendBody(roomId: number, seq: number, body: unknown): void {
    this.#db
      .prepare('UPDATE messages SET body = ? WHERE room_id = ? AND seq = ?')
      .run(JSON.stringify(body), roomId, seq);
  }

  /** Set (or with null, remove) the room's SCRAM verifier; the scrypt hash of older versions goes either way. */
  setRoomVerifier(roomId: number, verifier: string | null): void {
    this.#db.prepare('UPDATE rooms SET scram_verifier = ?, password_hash = NULL WHERE id = ?').run(verifier, roomId);
  }

  /** Sequence number of the room's newest message, 0 when it has none. */
  head(roomId: number): number {
    return this.#heads.get(roomId) ?? 0;
  }

  /**
   * Store a batch in one transaction (group commit: one disk sync for all of them). Either every
   * message is stored or none is; on failure the sequence counters are left as they were.
   */
  appendBatch(batch: readonly NewMessage[]): AppendResult[] {
    const saved = new Map(this.#heads);
    const results: AppendResult[] = [];
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const m of batch) {
        const seq = this.head(m.roomId) + 1;
        const { changes, lastInsertRowid } = this.#insert.run(
          m.roomId,
          seq,
          m.clientId,
          m.device,
          m.nick,
          m.source,
          m.kind,
          m.text,
          m.body,
          m.ts,
        );
        if (changes === 1) {
          this.#index.run(lastInsertRowid, m.text, roomToken(m.roomId));
          this.#heads.set(m.roomId, seq);
          results.push({ seq, ts: m.ts, duplicate: false });
        } else {
          const prior = this.#findDuplicate.get(m.roomId, m.device, m.clientId) as { seq: number; ts: number };
          results.push({ seq: prior.seq, ts: prior.ts, duplicate: true });
        }
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      this.#heads.clear();
      for (const [room, head] of saved) this.#heads.set(room, head);
      throw error;
    }
    return results;
  }

  /** Up to `limit` messages after `seq` (and before `until`, when given), oldest first. */
  after(roomId: number, seq: number, limit: number, until = Number.MAX_SAFE_INTEGER, maxBytes = Infinity): Page {
    const { rows, more } = pageOf(this.#after.iterate(roomId, seq, until, limit + 1), limit, maxBytes);
    return { messages: rows.map(toMessage), more };
  }

  /** Up to `limit` messages before `seq` (or the newest ones), oldest first. */
  before(roomId: number, seq: number | undefined, limit: number, maxBytes = Infinity): Page {
    const bound = seq ?? Number.MAX_SAFE_INTEGER;
    // Newest first here: a cut keeps the messages next to `seq`, and `more` says older ones remain.
    const { rows, more } = pageOf(this.#before.iterate(roomId, bound, limit + 1), limit, maxBytes);
    return { messages: rows.reverse().map(toMessage), more };
  }

  /**
   * Full-text search in one room, best match first among the newest `candidates` matches (see
   * message-search.ts). The query is words, not FTS syntax.
   */
  search(roomId: number, query: string, limit: number, { candidates }: SearchOptions): SearchResult {
    const words = searchWords(query);
    if (words.length === 0) return { messages: [], more: false, examined: 0 };
    const heads = this.#search.all(toFtsQuery(words, roomId), candidates) as unknown as { id: number; text: string }[];
    const winners = rankCandidates(heads, words).slice(0, limit);
    const rows = new Map(
      (this.#byIds.all(JSON.stringify(winners.map((w) => w.id))) as unknown as (MessageRow & { id: number })[]).map(
        (row) => [row.id, row],
      ),
    );
    return {
      messages: winners.map((w) => toMessage(rows.get(w.id)!)),
      more: heads.length > limit || heads.length >= candidates,
      examined: heads.length,
    };
  }

  /**
   * Delete the oldest batches of feed `feed` (stored `feed` messages whose body names it) so that at
   * least its newest `keepLines` lines remain: a feed's retention cap. Other messages are untouched;
   * the room's head and sequence counter do not move. Returns how many messages were deleted.
   */
  pruneFeed(roomId: number, feed: string, keepLines: number): number {
    const key = `${roomId}/${feed}`;
    const floor = this.#feedFloors.get(key) ?? 0;
    const rows = this.#db
      .prepare(
        `SELECT seq, json_array_length(body, '$.lines') AS n FROM messages
         WHERE room_id = ? AND seq > ? AND kind = 'feed' AND json_extract(body, '$.feed') = ? ORDER BY seq DESC`,
      )
      .iterate(roomId, floor, feed) as Iterable<{ seq: number; n: number }>;
    let kept = 0;
    let cutoff: number | undefined;
    for (const row of rows) {
      if (kept >= keepLines) {
        cutoff = row.seq;
        break;
      }
      kept += row.n;
    }
    if (cutoff === undefined) return 0;
    const { changes } = this.#db
      .prepare(
        `DELETE FROM messages
         WHERE room_id = ? AND seq > ? AND seq <= ? AND kind = 'feed' AND json_extract(body, '$.feed') = ?`,
      )
      .run(roomId, floor, cutoff, feed);
    this.#feedFloors.set(key, cutoff);
    return Number(changes);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
