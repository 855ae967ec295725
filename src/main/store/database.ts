import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrate } from './migrations.ts';

/**
 * How hard a commit waits for the disk. `full` fsyncs the write-ahead log on every commit, so an
 * acknowledged message survives power loss; `normal` survives a crash of the process but not of
 * the machine. Group commit makes `full` cheap enough to be the default.
 */
export type Durability = 'full' | 'normal';

export interface OpenOptions {
  /** File path, or ':memory:' for a throwaway database. */
  path: string;
  durability?: Durability;
}

/** Open (creating if needed) a Tincan database in WAL mode and bring its schema up to date. */
export function openDatabase({ path, durability = 'full' }: OpenOptions): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  migrate(db);
  return db;
}
