import { DatabaseSync } from 'node:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/store/database.ts';
import { migrate, MIGRATIONS } from '../../../src/main/store/migrations.ts';

const version = (db: DatabaseSync) =>
  (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;

describe('migrations', () => {
  it('bring a new database to the latest version, once', () => {
    const db = new DatabaseSync(':memory:');
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(version(db)).toBe(MIGRATIONS.length);
    expect(migrate(db)).toBe(MIGRATIONS.length); // idempotent
  });

  it('apply only the migrations a database has not seen, in order', () => {
    const db = new DatabaseSync(':memory:');
    const steps = ['CREATE TABLE a (x)', 'CREATE TABLE b (y)', 'INSERT INTO a VALUES (1)'];
    migrate(db, steps.slice(0, 1));
    expect(version(db)).toBe(1);
    migrate(db, steps);
    expect(version(db)).toBe(3);
    expect(db.prepare('SELECT x FROM a').all()).toEqual([{ x: 1 }]);
  });

  it('roll back a failing migration as a whole and keep the version', () => {
    const db = new DatabaseSync(':memory:');
    expect(() => migrate(db, ['CREATE TABLE a (x)', 'CREATE TABLE b (y); CREATE TABLE a (z)'])).toThrow(
      /already exists/,
    );
    expect(version(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").all()).toEqual([]);
  });

  it('refuse a database from a newer build', () => {
    const db = new DatabaseSync(':memory:');
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 5}`);
    expect(() => migrate(db)).toThrow(/newer than this build knows/);
  });

  it('open files in WAL mode with the chosen durability', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-db-'));
    try {
      const full = openDatabase({ path: join(dir, 'sub', 'a.db') });
      expect(full.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(full.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 });
      full.close();
      const normal = openDatabase({ path: join(dir, 'b.db'), durability: 'normal' });
      expect(normal.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
      normal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
