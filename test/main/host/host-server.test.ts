import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../../src/shared/protocol/index.ts';
import { startHost } from '../../helpers/host.ts';
import { ScramClient } from '../../../src/shared/scram.ts';
import { scramJoin, sendAuthJoin } from '../../helpers/scram-join.ts';
import { TestClient } from '../../helpers/test-client.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

describe('HostServer: handshake', () => {
  it('answers hello with welcome: protocol, identity, limits, rooms', async () => {
    h = await startHost({ hostName: 'box' }, ['general', 'ops']);
    const c = await TestClient.open(h.url);
    c.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      client: { name: 't', version: '1' },
      deviceId: 'device-aaaa',
      nick: 'ann',
    });
    const welcome = await c.next('welcome');
    expect(welcome.protocol).toBe(PROTOCOL_VERSION);
    expect(welcome.host.name).toBe('box');
    expect(welcome.host.id).toMatch(/^[0-9a-f]{16}$/);
    expect(welcome.device).toMatch(/^[0-9a-f]{16}$/);
    expect(welcome.device).not.toContain('device-aaaa');
    expect(welcome.limits.maxFrameBytes).toBe(64 * 1024);
    expect(welcome.rooms.map((r) => r.name)).toEqual(['general', 'ops']);
    await c.close();
  });

  it('requires hello first and refuses a second one', async () => {
    h = await startHost();
    const c = await TestClient.open(h.url);
    c.send({ type: 'rooms', ref: 'r1' });
    expect(await c.next('error')).toMatchObject({ code: 'hello_required', ref: 'r1' });
    c.send({ type: 'hello', protocol: 1, client: { name: 't' }, deviceId: 'device-bbbb', nick: 'bo' });
    await c.next('welcome');
    c.send({ type: 'hello', protocol: 1, client: { name: 't' }, deviceId: 'device-bbbb', nick: 'bo' });
    expect(await c.next('error')).toMatchObject({ code: 'already_greeted' });
    await c.close();
  });

  it('closes with 4002 on an unsupported protocol version', async () => {
    h = await startHost();
    const c = await TestClient.open(h.url);
    c.send({ type: 'hello', protocol: 99, client: { name: 't' }, deviceId: 'device-cccc', nick: 'cy' });
    expect(await c.next('error')).toMatchObject({ code: 'unsupported_protocol' });
    expect(await c.closed).toMatchObject({ code: 4002 });
  });

  it('lists rooms with head, member count and lock state', async () => {
    h = await startHost();
    await h.host.createRoom('secret', { password: 'hunter2' });
    const a = await h.joined('general');
    a.send({ type: 'rooms', ref: 'x' });
    const list = await a.next('rooms');
    expect(list).toMatchObject({ ref: 'x' });
    expect(list.rooms).toEqual([
      { name: 'general', head: 0, members: 1, locked: false },
      { name: 'secret', head: 0, members: 0, locked: true },
    ]);
  });
});

describe('HostServer: rooms, presence, typing', () => {
  it('join returns members; others see presence join, nick and leave', async () => {
    h = await startHost();
    const ann = await h.joined('general', 'ann');
    const bo = await h.client('bo');
    bo.send({ type: 'join', room: 'general', ref: 'j' });
    const joined = await bo.next('joined');
    expect(joined.ref).toBe('j');
    expect(joined.members.map((m) => m.nick).sort()).toEqual(['ann', 'bo']);
    const seen = await ann.next('presence');
    expect(seen).toMatchObject({ event: 'join', member: { nick: 'bo' } });

    bo.send({ type: 'nick', nick: 'bob' });
    expect(await ann.next('presence')).toMatchObject({
      event: 'nick',
      member: { id: seen.member.id, nick: 'bob' },
      previousNick: 'bo',
    });
    expect(await bo.next('presence')).toMatchObject({ event: 'nick', previousNick: 'bo' });

    bo.send({ type: 'leave', room: 'general', ref: 'l' });
    expect(await bo.next('left')).toMatchObject({ room: 'general', ref: 'l' });
    expect(await ann.next('presence')).toMatchObject({ event: 'leave', member: { nick: 'bob' } });
  });

  it('a disconnect is a leave for every room', async () => {
    h = await startHost({}, ['a', 'b']);
    const ann = await h.client('ann');
    ann.send({ type: 'join', room: 'a' });
    ann.send({ type: 'join', room: 'b' });
    await ann.next('joined', (j) => j.room === 'b');
    const bo = await TestClient.greeted(h.url, 'bo');
    bo.send({ type: 'join', room: 'a' });
    bo.send({ type: 'join', room: 'b' });
    await ann.next('presence', (p) => p.room === 'b' && p.event === 'join');
    await bo.close();
    const leaves = [
      await ann.next('presence', (p) => p.event === 'leave'),
      await ann.next('presence', (p) => p.event === 'leave'),
    ];
    expect(leaves.map((p) => p.room).sort()).toEqual(['a', 'b']);
  });

  it('typing reaches the others, not the typist', async () => {
    h = await startHost();
    const ann = await h.joined('general', 'ann');
    const bo = await h.joined('general', 'bo');
    ann.send({ type: 'typing', room: 'general', active: true });
    expect(await bo.next('typing')).toMatchObject({ nick: 'ann', active: true });
    ann.send({ type: 'ping', t: 1, ref: 'p' });
    await ann.next('pong');
    expect(ann.all('typing')).toEqual([]);
  });

  it('refuses frames about rooms not joined, and unknown rooms', async () => {
    h = await startHost();
    const c = await h.client();
    c.send({ type: 'send', room: 'general', id: 'm1', text: 'hi' });
    expect(await c.next('error')).toMatchObject({ code: 'not_joined', room: 'general', id: 'm1' });
    c.send({ type: 'join', room: 'nowhere', ref: 'q' });
    expect(await c.next('error')).toMatchObject({ code: 'room_not_found', ref: 'q' });
  });

  it('caps the rooms one connection may join', async () => {
    h = await startHost({ limits: { maxRoomsPerConnection: 2 } }, ['a', 'b', 'c']);
    const c = await h.client();
    for (const room of ['a', 'b']) {
      c.send({ type: 'join', room });
      await c.next('joined');
    }
    c.send({ type: 'join', room: 'c' });
    expect(await c.next('error')).toMatchObject({ code: 'too_many_rooms', room: 'c' });
    c.send({ type: 'join', room: 'a' }); // a rejoin is not a new room
    expect(await c.next('joined')).toMatchObject({ room: 'a' });
  });

  it('admits an open room at once, so a send right behind the join succeeds', async () => {
    h = await startHost();
    const c = await h.client();
    c.ws.send(JSON.stringify({ type: 'join', room: 'general' }) /* same tick: */);
    c.send({ type: 'send', room: 'general', id: 'right-behind', text: 'hi' });
    expect(await c.next('ack')).toMatchObject({ id: 'right-behind', seq: 1 });
    expect(c.all('error')).toEqual([]);
  });

  it('counts joins still waiting on a password challenge against the room cap', async () => {
    h = await startHost({ limits: { maxRoomsPerConnection: 1, scramIterations: 4096 } }, []);
    await h.host.createRoom('x', { password: 'pw' });
    await h.host.createRoom('y', { password: 'pw' });
    const c = await h.client();
    const x = new ScramClient('x', 'pw');
    sendAuthJoin(c, 'x', x.clientFirst);
    const challenge = await c.next('challenge');
    expect((await scramJoin(c, 'y', 'pw', 'jy')).reply).toMatchObject({ code: 'too_many_rooms', room: 'y' });
    c.send({ type: 'auth-proof', room: 'x', clientFinal: await x.answer(challenge.serverFirst) });
    expect(await c.next('joined')).toMatchObject({ room: 'x' });
  });

  it('pushes host announcements to everyone connected', async () => {
    h = await startHost();
    const a = await h.client('a');
    const b = await h.joined('general', 'b');
    h.host.notifyAll('maintenance at noon', 'warning');
    for (const c of [a, b])
      expect(await c.next('announce')).toMatchObject({ text: 'maintenance at noon', level: 'warning' });
  });

  it('answers ping with pong echoing t', async () => {
    h = await startHost();
    const c = await h.client();
    c.send({ type: 'ping', t: 12.5, ref: 'p1' });
    expect(await c.next('pong')).toMatchObject({ t: 12.5, ref: 'p1' });
  });
});

describe('HostServer: messages', () => {
  it('acks after storing, then broadcasts to every member with dense sequence numbers', async () => {
    h = await startHost();
    const ann = await h.joined('general', 'ann');
    const bo = await h.joined('general', 'bo');
    for (let i = 1; i <= 3; i++)
      ann.send({ type: 'send', room: 'general', id: `m${i}`, text: `hello ${i}`, ref: `s${i}` });
    const acks = [await ann.next('ack'), await ann.next('ack'), await ann.next('ack')];
    expect(acks.map((a) => [a.id, a.seq, a.duplicate, a.ref])).toEqual([
      ['m1', 1, false, 's1'],
      ['m2', 2, false, 's2'],
      ['m3', 3, false, 's3'],
    ]);
    const got = [await bo.next('message'), await bo.next('message'), await bo.next('message')];
    expect(got.map((m) => [m.seq, m.id, m.text, m.from.nick])).toEqual([
      [1, 'm1', 'hello 1', 'ann'],
      [2, 'm2', 'hello 2', 'ann'],
      [3, 'm3', 'hello 3', 'ann'],
    ]);
    expect(got[0]!.from.device).toBe(acks.length && (await ann.next('message')).from.device);
    h.host.rooms();
    expect(h.host.rooms()[0]).toMatchObject({ head: 3 });
  });

  it('a retried send is acked with the same seq, stored once and broadcast once', async () => {
    h = await startHost();
    const ann = await h.joined('general', 'ann', 'device-ann-1');
    const bo = await h.joined('general', 'bo');
    ann.send({ type: 'send', room: 'general', id: 'dup', text: 'once' });
    ann.send({ type: 'send', room: 'general', id: 'dup', text: 'once' }); // same batch
    const [first, second] = [await ann.next('ack'), await ann.next('ack')];
    expect(first).toMatchObject({ seq: 1, duplicate: false });
    expect(second).toMatchObject({ seq: 1, duplicate: true, ts: first.ts });
    // And after a reconnect, from a new connection of the same device.
    await ann.close();
    const again = await h.joined('general', 'ann', 'device-ann-1');
    again.send({ type: 'send', room: 'general', id: 'dup', text: 'once' });
    expect(await again.next('ack')).toMatchObject({ seq: 1, duplicate: true });
    again.send({ type: 'send', room: 'general', id: 'next', text: 'two' });
    expect(await again.next('ack')).toMatchObject({ seq: 2, duplicate: false });
    await bo.next('message', (m) => m.seq === 2);
    expect(bo.all('message').map((m) => m.seq)).toEqual([1, 2]);
  });

  it('the same client id from another device is another message', async () => {
    h = await startHost();
    const a = await h.joined('general', 'a', 'device-a-0001');
    const b = await h.joined('general', 'b', 'device-b-0001');
    a.send({ type: 'send', room: 'general', id: 'x', text: 'from a' });
    expect(await a.next('ack')).toMatchObject({ seq: 1 });
    b.send({ type: 'send', room: 'general', id: 'x', text: 'from b' });
    expect(await b.next('ack')).toMatchObject({ seq: 2, duplicate: false });
  });

  it('pages history backwards and forwards, oldest first', async () => {
    h = await startHost();
    const c = await h.joined('general');
    for (let i = 1; i <= 25; i++) c.send({ type: 'send', room: 'general', id: `m${i}`, text: `n${i}` });
    await c.next('ack', (a) => a.seq === 25);
    c.send({ type: 'history', room: 'general', limit: 10, ref: 'newest' });
    const newest = await c.next('history');
    expect(newest.messages.map((m) => m.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(newest.more).toBe(true);
    c.send({ type: 'history', room: 'general', before: 6, limit: 10 });
    const oldest = await c.next('history');
    expect(oldest.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(oldest.more).toBe(false);
    c.send({ type: 'history', room: 'general', after: 20, limit: 10 });
    const tail = await c.next('history');
    expect(tail.messages.map((m) => m.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(tail.more).toBe(false);
    c.send({ type: 'history', room: 'general', after: 10, before: 14 });
    expect((await c.next('history')).messages.map((m) => m.seq)).toEqual([11, 12, 13]);
    c.send({ type: 'history', room: 'general', after: 5, before: 5 });
    expect(await c.next('error')).toMatchObject({ code: 'invalid_frame' });
  });

  it('searches a room with full-text search, words not syntax', async () => {
    h = await startHost();
    const c = await h.joined('general');
    const texts = ['the deploy finished', 'lunch at noon?', 'deployment rolled back', 'NEAR "quoted" OR stuff'];
    texts.forEach((text, i) => c.send({ type: 'send', room: 'general', id: `s${i}`, text }));
    await c.next('ack', (a) => a.seq === 4);
    c.send({ type: 'search', room: 'general', query: 'deploy', ref: 'q' });
    const found = await c.next('results');
    expect(found.messages.map((m) => m.text).sort()).toEqual(['deployment rolled back', 'the deploy finished']);
    c.send({ type: 'search', room: 'general', query: '"quoted" OR' });
    expect((await c.next('results')).messages.map((m) => m.seq)).toEqual([4]);
    c.send({ type: 'search', room: 'general', query: '*** ^^' });
    expect((await c.next('results')).messages).toEqual([]);
  });
});

describe('HostServer: resume', () => {
  it('a client that rejoins with its last seq gets exactly what it missed, in order, paged', async () => {
    h = await startHost({ limits: { historyPageSize: 50, ratePerSecond: 10_000, rateBurst: 10_000 } });
    const writer = await h.joined('general', 'writer');
    const reader = await h.joined('general', 'reader', 'device-reader-1');
    for (let i = 1; i <= 10; i++) writer.send({ type: 'send', room: 'general', id: `a${i}`, text: `a${i}` });
    await reader.next('message', (m) => m.seq === 10);
    await reader.close();
    for (let i = 11; i <= 130; i++) writer.send({ type: 'send', room: 'general', id: `a${i}`, text: `a${i}` });
    await writer.next('ack', (a) => a.seq === 130);

    const back = await h.client('reader', 'device-reader-1');
    back.send({ type: 'join', room: 'general', since: 10 });
    const joined = await back.next('joined');
    expect(joined.head).toBe(130);
    // A message sent during catch-up arrives live; the pages stop at head, so nothing comes twice.
    writer.send({ type: 'send', room: 'general', id: 'live', text: 'live' });
    const seqs: number[] = [];
    let page = await back.next('history');
    seqs.push(...page.messages.map((m) => m.seq));
    while (page.more) {
      back.send({ type: 'history', room: 'general', after: seqs.at(-1)!, before: joined.head + 1 });
      page = await back.next('history');
      seqs.push(...page.messages.map((m) => m.seq));
    }
    expect(back.all('history')).toHaveLength(3);
    expect(seqs).toEqual(Array.from({ length: 120 }, (_, i) => i + 11));
    await writer.next('ack', (a) => a.id === 'live');
    back.send({ type: 'ping', t: 0 }); // the pong comes after everything already broadcast
    await back.next('pong');
    expect(back.all('message').map((m) => m.seq)).toEqual([131]);
  });

  it('uses hello.have as the resume point when join carries no since', async () => {
    h = await startHost();
    const w = await h.joined('general', 'w');
    for (let i = 1; i <= 5; i++) w.send({ type: 'send', room: 'general', id: `m${i}`, text: `m${i}` });
    await w.next('ack', (a) => a.seq === 5);
    const c = await h.client('r', 'device-r-0001', { have: { general: 3 } });
    c.send({ type: 'join', room: 'general' });
    const page = await c.next('history');
    expect(page.messages.map((m) => m.seq)).toEqual([4, 5]);
    // `have` speaks for the first join only: a later rejoin without `since` gets no stale page.
    c.send({ type: 'leave', room: 'general' });
    c.send({ type: 'join', room: 'general', ref: 'again' });
    await c.next('joined', (j) => j.ref === 'again');
    c.send({ type: 'ping', t: 0 });
    await c.next('pong');
    expect(c.all('history')).toHaveLength(1);
  });
});

describe('the tincan.v1 subprotocol', () => {
  it('is selected when offered, so a client knows it reached a Tincan host before sending hello', async () => {
    const h = await startHost();
    try {
      const offered = new WebSocket(h.url, ['other', 'tincan.v1']);
      await new Promise((resolve) => offered.once('open', resolve));
      expect(offered.protocol).toBe('tincan.v1');
      offered.close();
      const plain = new WebSocket(h.url);
      await new Promise((resolve) => plain.once('open', resolve));
      expect(plain.protocol).toBe('');
      plain.close();
      // Offered only others: the host selects none, and a client that asked for one fails the
      // handshake (ws does, as browsers do) before anything was sent.
      const unknown = new WebSocket(h.url, ['chat']);
      await expect(new Promise((_, reject) => unknown.once('error', reject))).rejects.toThrow('no subprotocol');
    } finally {
      await h.stop();
    }
  });
});
