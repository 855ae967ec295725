import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/main/store/migrations.ts';
import { openDatabase } from '../../../src/main/store/database.ts';
import { rankCandidates, searchWords, toFtsQuery } from '../../../src/main/store/message-search.ts';
import { MessageStore, type NewMessage } from '../../../src/main/store/message-store.ts';

function memoryStore() {
  return new MessageStore(openDatabase({ path: ':memory:' }));
}

const msg = (roomId: number, clientId: string, text = clientId, device = 'dev1'): NewMessage => ({
  roomId,
  clientId,
  device,
  nick: 'ann',
  source: 'member',
  kind: 'text',
  text,
  body: null,
  ts: 1000,
});

describe('MessageStore', () => {
  it('gives each room its own dense sequence, and dedupes (room, device, client id)', () => {
    const store = memoryStore();
    const a = store.ensureRoom('a', 1).id;
    const b = store.ensureRoom('b', 1).id;
    const results = store.appendBatch([msg(a, 'x'), msg(b, 'x'), msg(a, 'y'), msg(a, 'x'), msg(a, 'x', 'x', 'dev2')]);
    expect(results.map((r) => [r.seq, r.duplicate])).toEqual([
      [1, false],
      [1, false],
      [2, false],
      [1, true],
      [3, false],
    ]);
    expect([store.head(a), store.head(b)]).toEqual([3, 1]);
  });

  it('rolls back a failed batch whole, leaving the sequence where it was', () => {
    const store = memoryStore();
    const a = store.ensureRoom('a', 1).id;
    store.appendBatch([msg(a, 'one')]);
    expect(() => store.appendBatch([msg(a, 'two'), msg(999, 'no-such-room')])).toThrow(/FOREIGN KEY/);
    expect(store.head(a)).toBe(1);
    expect(store.appendBatch([msg(a, 'two')])[0]).toMatchObject({ seq: 2, duplicate: false });
    expect(store.after(a, 0, 10).messages.map((m) => m.id)).toEqual(['one', 'two']);
  });

  it('keeps messages, sequence and host identity across reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-store-'));
    try {
      const path = join(dir, 't.db');
      const first = new MessageStore(openDatabase({ path }));
      const id = first.meta('host_id', () => 'abc');
      const room = first.ensureRoom('a', 1).id;
      first.appendBatch([msg(room, 'p'), msg(room, 'q')]);
      first.close();
      const second = new MessageStore(openDatabase({ path }));
      expect(second.meta('host_id', () => 'other')).toBe(id);
      expect(second.ensureRoom('a', 2).id).toBe(room);
      expect(second.head(room)).toBe(2);
      expect(second.appendBatch([msg(room, 'p'), msg(room, 'r')]).map((r) => r.seq)).toEqual([1, 3]);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pages forwards and backwards with an exact `more`', () => {
    const store = memoryStore();
    const a = store.ensureRoom('a', 1).id;
    store.appendBatch(Array.from({ length: 10 }, (_, i) => msg(a, `m${i + 1}`)));
    expect(store.after(a, 0, 10)).toMatchObject({ more: false });
    expect(store.after(a, 0, 9).more).toBe(true);
    expect(store.after(a, 3, 100, 6).messages.map((m) => m.seq)).toEqual([4, 5]);
    const newest = store.before(a, undefined, 4);
    expect(newest.messages.map((m) => m.seq)).toEqual([7, 8, 9, 10]);
    expect(newest.more).toBe(true);
    expect(store.before(a, 4, 4)).toMatchObject({ more: false });
    expect(store.before(a, 4, 4).messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(newest.messages[0]).toEqual({
      seq: 7,
      id: 'm7',
      from: { nick: 'ann', device: 'dev1' },
      kind: 'text',
      text: 'm7',
      ts: 1000,
    });
  });

  it('searches one room only, all words, last word as prefix, any script', () => {
    const store = memoryStore();
    const a = store.ensureRoom('a', 1).id;
    const b = store.ensureRoom('b', 1).id;
    store.appendBatch([
      msg(a, '1', 'disk full on build server'),
      msg(a, '2', 'build passed'),
      msg(b, '3', 'build in room b'),
      msg(a, '4', 'Café opens at nine'),
      msg(a, '5', '服务器 重启 完成'),
    ]);
    const ids = (query: string, limit = 10) =>
      store.search(a, query, limit, { candidates: 100 }).messages.map((m) => m.id);
    expect(ids('build').sort()).toEqual(['1', '2']);
    expect(ids('build serv')).toEqual(['1']);
    expect(ids('café')).toEqual(['4']);
    expect(ids('重启')).toEqual(['5']);
    expect(ids('build', 1)).toHaveLength(1);
    expect(ids(')(*&^')).toEqual([]);
  });

  it('turns typed text into a safe FTS5 query for one room', () => {
    expect(toFtsQuery(searchWords('deploy failed'), 7)).toBe('room : "r7" AND text : "deploy" AND text : "failed"*');
    expect(toFtsQuery(searchWords('NEAR("x" OR y)'), 1)).toBe(
      'room : "r1" AND text : "NEAR" AND text : "x" AND text : "OR" AND text : "y"*',
    );
    expect(toFtsQuery(searchWords('  ***  '), 1)).toBe('');
    expect(searchWords(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))).toHaveLength(16);
  });

  it('never reads another room: a word only in another room examines nothing (no timing oracle)', () => {
    const store = memoryStore();
    const open = store.ensureRoom('open', 1).id;
    const locked = store.ensureRoom('locked', 1).id;
    store.appendBatch(Array.from({ length: 2000 }, (_, i) => msg(locked, `s${i}`, `secret plan number ${i}`)));
    store.appendBatch([msg(open, 'o1', 'nothing to see')]);
    expect(store.search(open, 'secret', 20, { candidates: 500 })).toEqual({ messages: [], more: false, examined: 0 });
    expect(store.search(open, 's', 20, { candidates: 500 }).examined).toBe(1); // "see"
    expect(store.search(locked, 'secret', 20, { candidates: 500 }).examined).toBe(500);
  });

  it('ranks only the newest `candidates` matches, and says when there may be more', () => {
    const store = memoryStore();
    const room = store.ensureRoom('r', 1).id;
    store.appendBatch(Array.from({ length: 50 }, (_, i) => msg(room, `m${i}`, `deploy step ${i}`)));
    const bounded = store.search(room, 'deploy', 100, { candidates: 10 });
    expect(bounded.examined).toBe(10);
    expect(bounded.more).toBe(true);
    expect(bounded.messages.map((m) => m.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${40 + i}`).sort());
    const all = store.search(room, 'deploy', 100, { candidates: 500 });
    expect(all).toMatchObject({ more: false, examined: 50 });
    expect(store.search(room, 'deploy', 5, { candidates: 500 }).more).toBe(true);
  });

  it('ranks whole-word matches and short messages first, then the newest', () => {
    const texts = [
      { id: 'newest-long', text: 'a long message that mentions deploy once among many other words here' },
      { id: 'prefix', text: 'deployment done' },
      { id: 'exact', text: 'deploy done' },
      { id: 'old-exact', text: 'deploy done' },
    ];
    expect(rankCandidates(texts, ['deploy']).map((t) => t.id)).toEqual(['exact', 'old-exact', 'prefix', 'newest-long']);
    expect(rankCandidates(texts, ['depl']).map((t) => t.id)[0]).toBe('prefix');
  });
});

describe('MessageStore: message kinds', () => {
  it('stores and reads back kind, body and source; members carry no source', () => {
    const store = memoryStore();
    const room = store.ensureRoom('r', 1).id;
    store.appendBatch([
      msg(room, 'a'),
      {
        ...msg(room, 'b', 'Fire drill at 3', 'host'),
        nick: 'ops',
        source: 'operator',
        kind: 'announcement',
        body: JSON.stringify({ level: 'warning' }),
      },
    ]);
    const [text, announcement] = store.after(room, 0, 10).messages;
    expect(text).toEqual({ seq: 1, id: 'a', from: { nick: 'ann', device: 'dev1' }, kind: 'text', text: 'a', ts: 1000 });
    expect(announcement).toEqual({
      seq: 2,
      id: 'b',
      from: { nick: 'ops', device: 'host', source: 'operator' },
      kind: 'announcement',
      text: 'Fire drill at 3',
      body: { level: 'warning' },
      ts: 1000,
    });
    expect(store.search(room, 'drill', 5, { candidates: 10 }).messages.map((m) => m.kind)).toEqual(['announcement']);
  });

  it('opens a database written before kinds (schema 1) and reads its messages as member text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-v1-'));
    try {
      const path = join(dir, 'tincan.db');
      // Schema 1 exactly as it shipped, with one message in it.
      const v1 = new DatabaseSync(path);
      v1.exec(MIGRATIONS[0]!);
      v1.exec('PRAGMA user_version = 1');
      v1.exec("INSERT INTO rooms (name, created_at) VALUES ('old', 1)");
      v1.exec(
        "INSERT INTO messages (room_id, seq, client_id, device, nick, kind, text, ts) VALUES (1, 1, 'c', 'd', 'ann', 'text', 'from v1', 5)",
      );
      v1.close();
      const store = new MessageStore(openDatabase({ path }));
      expect(store.after(1, 0, 10).messages).toEqual([
        { seq: 1, id: 'c', from: { nick: 'ann', device: 'd' }, kind: 'text', text: 'from v1', ts: 5 },
      ]);
      // The index was rebuilt by the migration: old messages are searchable in their room only.
      expect(store.search(1, 'v1', 10, { candidates: 10 }).messages.map((m) => m.id)).toEqual(['c']);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('MessageStore: pages bounded by bytes', () => {
  it('cuts a page before it passes maxBytes, says there is more, and never returns an empty page', () => {
    const store = memoryStore();
    const room = store.ensureRoom('r', 1).id;
    // 3-byte characters: 8000 of them are 24 KB of UTF-8.
    store.appendBatch(Array.from({ length: 10 }, (_, i) => msg(room, `m${i}`, '字'.repeat(8000))));
    const one = 24_000 + 2 + 200 + 5 + 2; // text and nick with their quotes, overhead, id
    const page = store.after(room, 0, 100, undefined, 3 * one);
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(page.more).toBe(true);
    expect(store.after(room, 0, 100, undefined, 3 * one - 1).messages).toHaveLength(2);
    expect(store.after(room, 0, 100, undefined, 10).messages).toHaveLength(1); // always one
    // Backwards, the cut keeps the newest ones, next to the anchor.
    const older = store.before(room, undefined, 100, 2 * one);
    expect(older.messages.map((m) => m.seq)).toEqual([9, 10]);
    expect(older.more).toBe(true);
    expect(store.after(room, 0, 100, undefined, Infinity)).toMatchObject({ more: false });
  });
});

describe('MessageStore: page bytes as the client receives them', () => {
  it('counts JSON escapes: a page of quote-filled messages stays within maxBytes when serialised', () => {
    const store = memoryStore();
    const room = store.ensureRoom('r', 1).id;
    store.appendBatch(Array.from({ length: 50 }, (_, i) => msg(room, `q${i}`, '"\\'.repeat(4000))));
    const maxBytes = 256 * 1024;
    const page = store.after(room, 0, 500, undefined, maxBytes);
    expect(page.more).toBe(true);
    const wire = Buffer.byteLength(JSON.stringify({ type: 'history', room: 'r', messages: page.messages, more: true }));
    expect(wire).toBeLessThanOrEqual(maxBytes + 1024);
    expect(page.messages.length).toBeGreaterThan(1);
  });
});
