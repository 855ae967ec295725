import { describe, expect, it } from 'vitest';
import { RoomState, TYPING_TTL_MS } from '../../../../src/renderer/src/lib/chat/room-state.svelte.ts';
import type { StoredMessage } from '../../../../src/shared/protocol/index.ts';

const m = (seq: number): StoredMessage => ({
  seq,
  id: `m${seq}`,
  from: { nick: 'a', device: 'd' },
  kind: 'text',
  text: `t${seq}`,
  ts: seq,
});

describe('RoomState', () => {
  it('keeps messages in sequence order without doubles, whatever order they arrive in', () => {
    const room = new RoomState('r');
    room.markJoined(5, []);
    expect(room.insert([m(6), m(7)]).length).toBe(2);
    expect(room.insert([m(3), m(1), m(7)]).map((x) => x.seq)).toEqual([3, 1]);
    expect(room.messages.map((x) => x.seq)).toEqual([1, 3, 6, 7]);
    expect(room.head).toBe(7);
  });

  it('tracks the contiguous run a reconnect resumes from, across gaps', () => {
    const room = new RoomState('r');
    room.markJoined(10, []);
    expect(room.contiguousUpTo).toBe(10);
    room.insert([m(11), m(13)]); // 12 missing: e.g. a catch-up cut short
    expect(room.contiguousUpTo).toBe(11);
    room.insert([m(12)]);
    expect(room.contiguousUpTo).toBe(13);
    room.markJoined(20, []); // a re-join does not move it
    expect(room.contiguousUpTo).toBe(13);
  });

  it('bumps version on change only', () => {
    const room = new RoomState('r');
    const v = room.version;
    room.insert([m(1)]);
    room.insert([m(1)]);
    expect(room.version).toBe(v + 1);
  });

  it('tracks members and expires typing', () => {
    const room = new RoomState('r');
    room.markJoined(0, [{ id: 'a', nick: 'Ann' }]);
    room.memberJoined({ id: 'b', nick: 'Bo' });
    room.memberRenamed({ id: 'b', nick: 'Bob' });
    room.setTyping('b', 'Bob', true, 1000);
    expect(room.typing.map((t) => t.nick)).toEqual(['Bob']);
    expect(room.expireTyping(1000 + TYPING_TTL_MS - 1)).toBe(false);
    expect(room.expireTyping(1000 + TYPING_TTL_MS)).toBe(true);
    room.setTyping('b', 'Bob', true, 2000);
    room.memberLeft('b');
    expect(room.members).toEqual([{ id: 'a', nick: 'Ann' }]);
    expect(room.typing).toEqual([]);
  });

  it('finds the highest seq held at or below a seq', () => {
    const room = new RoomState('r');
    room.insert([m(3), m(7), m(8)]);
    expect([1, 3, 5, 7, 8, 100].map((s) => room.floorSeq(s))).toEqual([undefined, 3, 3, 7, 8, 8]);
  });
});
