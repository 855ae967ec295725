import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS, migrate } from '../../../src/main/store/migrations.ts';
import { MessageStore, ModerationStore, openDatabase } from '../../../src/main/store/index.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('ModerationStore', () => {
  it('keeps bans and mutes across a reopen, forgets expired ones, and replaces a second mute of one pair', () => {
    dir = mkdtempSync(join(tmpdir(), 'tincan-mod-'));
    const path = join(dir, 'tincan.db');
    let db = openDatabase({ path });
    const room = new MessageStore(db).ensureRoom('general', 1);
    let store = new ModerationStore(db);
    const forever = store.addBan({
      device: 'a1b2c3d4e5f60718',
      range: null,
      reason: 'spam',
      createdAt: 10,
      until: null,
      nick: 'dave',
    });
    store.addBan({ device: null, range: '10.0.0.0/24', reason: '', createdAt: 10, until: 100, nick: null });
    const mute = { roomId: room.id, device: 'a1b2c3d4e5f60718', createdAt: 10, until: 50, nick: null };
    store.putMute({ ...mute, reason: 'one' });
    store.putMute({ ...mute, reason: 'two', createdAt: 11, until: 500, nick: 'carol' });
    db.close();

    db = openDatabase({ path });
    store = new ModerationStore(db);
    expect(store.bans(99).map((b) => b.range ?? b.device)).toEqual(['a1b2c3d4e5f60718', '10.0.0.0/24']);
    expect(store.bans(99).map((b) => b.nick)).toEqual(['dave', null]); // the nickname when banned, kept
    expect(store.bans(100).map((b) => b.id)).toEqual([forever]); // expired at `until`
    expect(store.mutes(60)).toEqual([
      { roomId: room.id, device: 'a1b2c3d4e5f60718', reason: 'two', createdAt: 11, until: 500, nick: 'carol' },
    ]);
    store.removeBan(forever);
    store.removeMute(room.id, 'a1b2c3d4e5f60718');
    expect(store.bans(0)).toEqual([]);
    expect(store.mutes(0)).toEqual([]);
    db.close();
  });

  it("never gives a lifted ban's id to a new ban, so an unban by an old id cannot lift another", () => {
    const store = new ModerationStore(openDatabase({ path: ':memory:' }));
    const ban = (device: string) =>
      store.addBan({ device, range: null, reason: '', createdAt: 1, until: null, nick: null });
    ban('a1b2c3d4e5f60718');
    const newest = ban('b1b2c3d4e5f60718');
    store.removeBan(newest); // the largest id, which plain SQLite would hand out again
    const next = ban('c1b2c3d4e5f60718');
    expect(next).toBeGreaterThan(newest);
    store.removeBan(newest); // a stale "unban" by the old id lifts nothing
    expect(store.bans(0).map((b) => b.id)).toContain(next);
  });

  it('keeps ban ids through the migration that makes them unique for ever', () => {
    const db = new DatabaseSync(':memory:');
    migrate(db, MIGRATIONS.slice(0, 8));
    db.exec(
      "INSERT INTO bans (id, device, reason, created_at, nick) VALUES (7, 'a1b2c3d4e5f60718', 'spam', 1, 'dave')",
    );
    migrate(db);
    const store = new ModerationStore(db);
    expect(store.bans(0)).toMatchObject([{ id: 7, device: 'a1b2c3d4e5f60718', reason: 'spam', nick: 'dave' }]);
    expect(store.addBan({ device: null, range: '10.0.0.0/8', reason: '', createdAt: 2, until: null, nick: null })).toBe(
      8,
    );
  });

  it('refuses a ban that names both a device and a range, or neither', () => {
    const db = openDatabase({ path: ':memory:' });
    const store = new ModerationStore(db);
    const ban = { reason: '', createdAt: 1, until: null, nick: null };
    expect(() => store.addBan({ ...ban, device: 'a', range: '10.0.0.1/32' })).toThrow();
    expect(() => store.addBan({ ...ban, device: null, range: null })).toThrow();
    db.close();
  });
});
