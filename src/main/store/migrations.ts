import type { DatabaseSync } from 'node:sqlite';

/**
 * Schema migrations, applied in order. The database's `user_version` is the number of migrations
 * already applied. Never edit a migration that has shipped; append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: host identity, rooms, messages, and a full-text index. Inserts into the index are made by
  // the store in the same transaction, not by a trigger: a trigger makes FTS5 flush on every row's
  // savepoint, which measured 5x slower. Deletes (room removal) go through the trigger.
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE rooms (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    created_at    INTEGER NOT NULL
  );
  CREATE TABLE messages (
    id        INTEGER PRIMARY KEY,
    room_id   INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    device    TEXT NOT NULL,
    nick      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    text      TEXT NOT NULL,
    ts        INTEGER NOT NULL,
    UNIQUE (room_id, seq),
    UNIQUE (room_id, device, client_id)
  );
  CREATE VIRTUAL TABLE messages_fts USING fts5(text, content = 'messages', content_rowid = 'id');
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
  END;
  `,
  // 2: message kinds. `kind` was always 'text'; now each kind keeps its fields as JSON in `body`
  // (null for text), and `source` says who posted: a member, the operator, the host or a feed.
  `
  ALTER TABLE messages ADD COLUMN source TEXT NOT NULL DEFAULT 'member';
  ALTER TABLE messages ADD COLUMN body TEXT;
  `,
  // 3: search at a bounded cost. The index gets a room column, so a query walks only its room's
  // entries, and prefix indexes for 1–3 characters, so a short prefix ("a*") reads one list
  // instead of merging every term it starts. Contentless (the text is in messages already), with
  // deletes supported (contentless_delete); rebuilt from the stored messages.
  `
  DROP TRIGGER messages_fts_delete;
  DROP TABLE messages_fts;
  CREATE VIRTUAL TABLE messages_fts USING fts5(text, room, content = '', contentless_delete = 1, prefix = '1 2 3');
  INSERT INTO messages_fts (rowid, text, room) SELECT id, text, 'r' || room_id FROM messages;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
  END;
  `,
  // 4: revoked invite tokens, by SHA-256 digest, kept until the token would have expired anyway.
  `
  CREATE TABLE revoked_join_tokens (
    digest     TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  );
  `,
  // 5: the operator's bans (by device tag or address range) and mutes (a device in a room), kept
  // across restarts. `until` is null for "until lifted"; expired rows are deleted when next read.
  `
  CREATE TABLE bans (
    id         INTEGER PRIMARY KEY,
    device     TEXT,
    range      TEXT,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    until      INTEGER,
    CHECK ((device IS NULL) <> (range IS NULL))
  );
  CREATE TABLE mutes (
    room_id    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    device     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    until      INTEGER,
    PRIMARY KEY (room_id, device)
  );
  `,
  // 6: files sent through the host. The bytes live in the data folder's files/, named by id; how
  // many of an upload's bytes are stored is the size of its partial file, not a column, so a
  // SIGKILL can never leave the two disagreeing. `seq` is the room's `file` message.
  `
  CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    room_id      INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    device       TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    seq          INTEGER,
    name         TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    image_width  INTEGER,
    image_height INTEGER,
    state        TEXT NOT NULL,
    reason       TEXT,
    sha256       TEXT,
    inline_ok    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (room_id, device, client_id)
  );
  CREATE INDEX files_by_state ON files (state);
  `,
  // 7: room passwords by SCRAM-SHA-256. A room keeps its verifier
  // (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, PostgreSQL's spelling) instead of
  // a hash. A verifier cannot be made from an scrypt hash, so `password_hash` stays for rooms whose
  // password the operator has not given since; giving it makes the verifier and clears the hash.
  `
  ALTER TABLE rooms ADD COLUMN scram_verifier TEXT;
  `,
  // 8: the nickname a banned or muted device had when the operator acted, so the lists can say who
  // it was after it left (and after a restart). Null when the host did not know one.
  `
  ALTER TABLE bans ADD COLUMN nick TEXT;
  ALTER TABLE mutes ADD COLUMN nick TEXT;
  `,
  // 9: ban ids are never given out again. Without AUTOINCREMENT, SQLite reuses the largest id once
  // its row is gone (a ban lifted or expired), so an operator's "unban 3" read off an older list
  // could lift a newer ban than the one meant. The rows keep their ids.
  `
  CREATE TABLE bans_once (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    device     TEXT,
    range      TEXT,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    until      INTEGER,
    nick       TEXT,
    CHECK ((device IS NULL) <> (range IS NULL))
  );
  INSERT INTO bans_once (id, device, range, reason, created_at, until, nick)
    SELECT id, device, range, reason, created_at, until, nick FROM bans;
  DROP TABLE bans;
  ALTER TABLE bans_once RENAME TO bans;
  `,
];

/** Apply every migration the database has not seen, each in its own transaction. Returns the new version. */
export function migrate(db: DatabaseSync, migrations: readonly string[] = MIGRATIONS): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  const current = row.user_version;
  if (current > migrations.length) {
    throw new Error(
      `database schema version ${current} is newer than this build knows (${migrations.length}); ` +
        'use a newer Tincan or another data folder',
    );
  }
  for (let version = current; version < migrations.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migrations[version]!);
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  return migrations.length;
}
