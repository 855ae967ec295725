import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** A ban as stored: exactly one of `device` (a device tag) and `range` (an address range, `a.b.c.d/n`). */
export interface BanRecord {
  id: number;
  device: string | null;
  range: string | null;
  reason: string;
  createdAt: number;
  /** Null: until lifted. */
  until: number | null;
  /** The device's nickname when it was banned (migration 8); null for a range, or when unknown. */
  nick: string | null;
}

/** A device muted in a room, as stored. */
export interface MuteRecord {
  roomId: number;
  device: string;
  reason: string;
  createdAt: number;
  until: number | null;
  /** The device's nickname when it was muted; null when unknown. */
  nick: string | null;
}

type BanRow = {
  id: number;
  device: string | null;
  range: string | null;
  reason: string;
  created_at: number;
  until: number | null;
  nick: string | null;
};
type MuteRow = {
  room_id: number;
  device: string;
  reason: string;
  created_at: number;
  until: number | null;
  nick: string | null;
};

/**
 * The operator's bans and mutes in SQLite (migration 5), so a restart lifts nothing. Reads are for
 * start-up only: the moderation service keeps them in memory and writes every change through here.
 */
export class ModerationStore {
  readonly #db: DatabaseSync;
  readonly #insertBan: StatementSync;
  readonly #deleteBan: StatementSync;
  readonly #upsertMute: StatementSync;
  readonly #deleteMute: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insertBan = db.prepare(
      'INSERT INTO bans (device, range, reason, created_at, until, nick) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    );
    this.#deleteBan = db.prepare('DELETE FROM bans WHERE id = ?');
    this.#upsertMute = db.prepare(
      'INSERT OR REPLACE INTO mutes (room_id, device, reason, created_at, until, nick) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#deleteMute = db.prepare('DELETE FROM mutes WHERE room_id = ? AND device = ?');
  }

  /** Every ban still in force at `now` (expired ones are deleted first), oldest first. */
  bans(now: number): BanRecord[] {
    this.#db.prepare('DELETE FROM bans WHERE until IS NOT NULL AND until <= ?').run(now);
    const rows = this.#db.prepare('SELECT * FROM bans ORDER BY id').all() as BanRow[];
    return rows.map((r) => ({
      id: r.id,
      device: r.device,
      range: r.range,
      reason: r.reason,
      createdAt: r.created_at,
      until: r.until,
      nick: r.nick,
    }));
  }

  addBan(ban: Omit<BanRecord, 'id'>): number {
    const row = this.#insertBan.get(ban.device, ban.range, ban.reason, ban.createdAt, ban.until, ban.nick) as {
      id: number;
    };
    return row.id;
  }

  removeBan(id: number): void {
    this.#deleteBan.run(id);
  }

  /** Every mute still in force at `now` (expired ones are deleted first). */
  mutes(now: number): MuteRecord[] {
    this.#db.prepare('DELETE FROM mutes WHERE until IS NOT NULL AND until <= ?').run(now);
    const rows = this.#db.prepare('SELECT * FROM mutes ORDER BY created_at').all() as MuteRow[];
    return rows.map((r) => ({
      roomId: r.room_id,
      device: r.device,
      reason: r.reason,
      createdAt: r.created_at,
      until: r.until,
      nick: r.nick,
    }));
  }

  /** Mute a device in a room; a second mute of the same pair replaces the first. */
  putMute(mute: MuteRecord): void {
    this.#upsertMute.run(mute.roomId, mute.device, mute.reason, mute.createdAt, mute.until, mute.nick);
  }

  removeMute(roomId: number, device: string): void {
    this.#deleteMute.run(roomId, device);
  }
}
