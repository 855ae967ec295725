import { describe, expect, it } from 'vitest';
import { CorkScope } from '../../../../src/main/host/rooms/cork-scope.ts';
import { HOST_DEVICE, RoomHub } from '../../../../src/main/host/rooms/room-hub.ts';
import type { Recipient, Room } from '../../../../src/main/host/rooms/room.ts';
import { silentLogger } from '../../../../src/main/logger.ts';
import { MessageStore, openDatabase } from '../../../../src/main/store/index.ts';
import { decodeHostFrame, type HostFrame } from '../../../../src/shared/protocol/index.ts';

/** A recipient that keeps what it is sent, decoded from the WebSocket frame bytes the hub writes. */
class Inbox implements Recipient {
  readonly frames: HostFrame[] = [];
  readonly id: string;
  nick: string;
  constructor(id: string, nick: string) {
    this.id = id;
    this.nick = nick;
  }
  deliver(frame: Buffer): void {
    const length = frame[1]! & 0x7f;
    const start = length < 126 ? 2 : length === 126 ? 4 : 10;
    const decoded = decodeHostFrame(frame.subarray(start).toString());
    if (!decoded.ok) throw new Error(decoded.message);
    this.frames.push(decoded.frame);
  }
  of<T extends HostFrame['type']>(type: T) {
    return this.frames.filter((f) => f.type === type) as Extract<HostFrame, { type: T }>[];
  }
}

function hubOn(store: MessageStore) {
  return new RoomHub({
    store,
    cork: new CorkScope(),
    clock: () => 1000,
    logger: silentLogger,
    maxCommitBatch: 100,
    maxPageBytes: 1 << 20,
  });
}

function setup() {
  const store = new MessageStore(openDatabase({ path: ':memory:' }));
  const hub = hubOn(store);
  return { store, hub, room: hub.ensure('general') };
}

function posted(hub: RoomHub, room: Room, post: Parameters<RoomHub['post']>[1]) {
  return new Promise<{ seq: number; duplicate: boolean; id: string }>((resolve, reject) =>
    hub.post(room, post, (error, result) => (error ? reject(error) : resolve(result!))),
  );
}

const operator = { nick: 'ops', device: HOST_DEVICE, source: 'operator' } as const;

describe('RoomHub', () => {
  it('finds a room by its stored id, for rooms made now and rooms loaded from the store', () => {
    const { store, hub, room } = setup();
    const ops = hub.ensure('ops');
    expect(hub.byId(room.id)).toBe(room);
    expect(hub.byId(ops.id)).toBe(ops);
    expect(hub.byId(-1)).toBeUndefined();
    const reloaded = hubOn(store);
    expect(reloaded.byId(ops.id)?.name).toBe('ops');
  });

  it('keeps membership on both sides, tells the others of joins and leaves, and emits events', () => {
    const { hub, room } = setup();
    const ann = new Inbox('a', 'ann');
    const bo = new Inbox('b', 'bo');
    const events: string[] = [];
    hub.on('join', (r, m) => events.push(`join ${r.name} ${m.nick}`));
    hub.on('leave', (r, m) => events.push(`leave ${r.name} ${m.nick}`));
    expect(hub.join(room, ann)).toBe(true);
    expect(hub.join(room, bo)).toBe(true);
    expect(hub.join(room, bo)).toBe(false); // a rejoin changes nothing
    expect(hub.roomsOf(bo).map((r) => r.name)).toEqual(['general']);
    expect(hub.joinedRoom(bo, 'general')).toBe(room);
    expect(ann.of('presence').map((p) => [p.event, p.member.nick])).toEqual([['join', 'bo']]);
    expect(bo.of('presence')).toEqual([]); // no news about oneself
    hub.leaveAll(bo);
    expect(hub.roomsOf(bo)).toEqual([]);
    expect(room.members.has('b')).toBe(false);
    expect(ann.of('presence').map((p) => p.event)).toEqual(['join', 'leave']);
    expect(events).toEqual(['join general ann', 'join general bo', 'leave general bo']);
  });

  it('stores a post from a source that is not a member, and broadcasts it with its source', async () => {
    const { hub, room } = setup();
    const ann = new Inbox('a', 'ann');
    hub.join(room, ann);
    const result = await posted(hub, room, {
      content: { kind: 'announcement', text: 'Lunch at noon', body: { level: 'warning' } },
      from: operator,
    });
    expect(result).toMatchObject({ seq: 1, duplicate: false });
    expect(ann.of('message')).toEqual([
      {
        type: 'message',
        room: 'general',
        seq: 1,
        id: result.id,
        from: { nick: 'ops', device: 'host', source: 'operator' },
        kind: 'announcement',
        text: 'Lunch at noon',
        body: { level: 'warning' },
        ts: 1000,
      },
    ]);
    // Read back with its kind, body and source, as on resume.
    const { type: _type, room: _room, ...broadcast } = ann.of('message')[0]!;
    expect(hub.after(room, 0, 10).messages).toEqual([broadcast]);
  });

  it('gives dense sequence numbers in order of posting, across sources', async () => {
    const { hub, room } = setup();
    const results = await Promise.all([
      posted(hub, room, {
        content: { kind: 'text', text: 'one' },
        from: { nick: 'ann', device: 'aaaa', source: 'member' },
      }),
      posted(hub, room, { content: { kind: 'announcement', text: 'two', body: { level: 'info' } }, from: operator }),
      posted(hub, room, {
        content: { kind: 'text', text: 'three' },
        from: { nick: 'bo', device: 'bbbb', source: 'member' },
      }),
    ]);
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(hub.after(room, 0, 10).messages.map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });

  it('stores a retry with the same id once, acks it with the original seq, and does not broadcast it again', async () => {
    const { hub, room } = setup();
    const ann = new Inbox('a', 'ann');
    hub.join(room, ann);
    const from = { nick: 'ann', device: 'aaaa', source: 'member' } as const;
    const first = await posted(hub, room, { content: { kind: 'text', text: 'hi' }, from, id: 'm1' });
    const retry = await posted(hub, room, { content: { kind: 'text', text: 'hi' }, from, id: 'm1' });
    expect(retry).toMatchObject({ seq: first.seq, duplicate: true });
    expect(ann.of('message')).toHaveLength(1);
    expect(hub.head(room)).toBe(1);
  });

  it('refuses content its kind does not allow, before storing anything', () => {
    const { hub, room } = setup();
    expect(() => hub.post(room, { content: { kind: 'text', text: ' ' }, from: operator })).toThrow();
    expect(() =>
      hub.post(room, {
        content: { kind: 'announcement', text: 'x'.repeat(2001), body: { level: 'info' } },
        from: operator,
      }),
    ).toThrow();
    expect(hub.head(room)).toBe(0);
  });

  it('leaves out the member who caused a broadcast, and skips empty rooms', () => {
    const { hub, room } = setup();
    const ann = new Inbox('a', 'ann');
    hub.join(room, ann);
    hub.broadcast(room, { type: 'typing', room: 'general', member: 'a', nick: 'ann', active: true }, ann);
    expect(ann.frames).toEqual([]);
  });
});

describe('RoomHub: a failing callback', () => {
  it('still broadcasts the stored message when the poster’s callback throws', async () => {
    const { hub, room } = setup();
    const ann = new Inbox('a', 'ann');
    hub.join(room, ann);
    hub.post(
      room,
      { content: { kind: 'text', text: 'still here' }, from: { nick: 'bo', device: 'bbbb', source: 'member' } },
      () => {
        throw new Error('ack handler bug');
      },
    );
    await new Promise((r) => setImmediate(r));
    expect(ann.of('message').map((m) => m.text)).toEqual(['still here']);
  });
});
