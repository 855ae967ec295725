import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/store/database.ts';
import { GroupCommit } from '../../../src/main/store/group-commit.ts';
import { MessageStore, type AppendResult, type NewMessage } from '../../../src/main/store/message-store.ts';

class CountingStore extends MessageStore {
  batches: number[] = [];
  override appendBatch(batch: readonly NewMessage[]): AppendResult[] {
    this.batches.push(batch.length);
    return super.appendBatch(batch);
  }
}

function setup(maxBatch = 100) {
  const store = new CountingStore(openDatabase({ path: ':memory:' }));
  const room = store.ensureRoom('a', 1).id;
  const flushes: (() => void)[] = [];
  const commit = new GroupCommit(store, { maxBatch, schedule: (f) => flushes.push(f) });
  const m = (id: string): NewMessage => ({
    roomId: room,
    clientId: id,
    device: 'd',
    nick: 'n',
    source: 'member',
    kind: 'text',
    text: id,
    body: null,
    ts: 1,
  });
  return { store, room, commit, flushes, m };
}

describe('GroupCommit', () => {
  it('writes everything that arrived together in one transaction, then calls back in order', () => {
    const { store, commit, flushes, m } = setup();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) commit.append(m(`m${i}`), (e, r) => seen.push(e ? -1 : r!.seq));
    expect(seen).toEqual([]); // nothing acked before the commit
    expect(commit.pending).toBe(5);
    expect(flushes).toHaveLength(1);
    flushes[0]!();
    expect(store.batches).toEqual([5]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('flushes at maxBatch without waiting', () => {
    const { store, commit, m } = setup(3);
    for (let i = 0; i < 7; i++) commit.append(m(`m${i}`), () => {});
    expect(store.batches).toEqual([3, 3]);
    expect(commit.pending).toBe(1);
    commit.flush();
    expect(store.batches).toEqual([3, 3, 1]);
  });

  it('fails every message of a failed batch and acks none', () => {
    const { store, commit, flushes, m } = setup();
    const outcomes: string[] = [];
    commit.append(m('ok'), (e) => outcomes.push(e ? 'failed' : 'acked'));
    commit.append({ ...m('bad'), roomId: 12345 }, (e) => outcomes.push(e ? 'failed' : 'acked'));
    flushes[0]!();
    expect(outcomes).toEqual(['failed', 'failed']);
    expect(store.head(1)).toBe(0);
  });

  it('runs with the real scheduler (setImmediate)', async () => {
    const store = new CountingStore(openDatabase({ path: ':memory:' }));
    const room = store.ensureRoom('a', 1).id;
    const commit = new GroupCommit(store, { maxBatch: 100 });
    const results = await Promise.all(
      [1, 2, 3].map(
        (i) =>
          new Promise<AppendResult>((resolve, reject) =>
            commit.append(
              {
                roomId: room,
                clientId: `c${i}`,
                device: 'd',
                nick: 'n',
                source: 'member',
                kind: 'text',
                text: 't',
                body: null,
                ts: 1,
              },
              (e, r) => (e ? reject(e) : resolve(r!)),
            ),
          ),
      ),
    );
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(store.batches).toEqual([3]);
  });
});

describe('GroupCommit: callbacks are isolated', () => {
  it('runs every callback of a batch even when one throws, and reports the error', () => {
    const { flushes, m } = setup();
    const errors: unknown[] = [];
    const store = new MessageStore(openDatabase({ path: ':memory:' }));
    const room = store.ensureRoom('a', 1).id;
    const pending: (() => void)[] = [];
    const guarded = new GroupCommit(store, {
      maxBatch: 100,
      schedule: (f) => pending.push(f),
      onCallbackError: (e) => errors.push(e),
    });
    const seen: number[] = [];
    const msgOf = (id: string) => ({ ...m(id), roomId: room });
    guarded.append(msgOf('x1'), (_e, r) => seen.push(r!.seq));
    guarded.append(msgOf('x2'), () => {
      throw new Error('a handler bug');
    });
    guarded.append(msgOf('x3'), (_e, r) => seen.push(r!.seq));
    pending[0]!();
    expect(seen).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    expect(flushes).toHaveLength(0);
  });
});
