import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, PROTOCOL_VERSION, type HostFrameOf } from '../../../../src/shared/protocol/index.ts';
import { FeedService } from '../../../../src/main/feeds/index.ts';
import type { HostOptions } from '../../../../src/main/host/options.ts';
import { startHost } from '../../../helpers/host.ts';
import { TestClient } from '../../../helpers/test-client.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host | undefined;
let dir: string | undefined;
const extra: TestClient[] = [];
afterEach(async () => {
  await Promise.all(extra.splice(0).map((c) => c.close()));
  await h?.stop();
  h = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A host clock the test can move forward: bans and mutes expire without waiting. */
function skewedClock() {
  let skew = 0;
  return { clock: () => Date.now() + skew, advance: (ms: number) => (skew += ms) };
}

async function host(options: HostOptions = {}, rooms = ['general', 'other']): Promise<Host> {
  h = await startHost(options, rooms);
  return h;
}

/** A client that has sent its hello (not waiting for the answer), closed after the test. */
async function helloSent(nick: string, deviceId = `device-${nick}-0000`, localAddress?: string): Promise<TestClient> {
  const c = await TestClient.open(h!.url, localAddress ? { localAddress } : {});
  extra.push(c);
  c.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: { name: 't' }, deviceId, nick });
  return c;
}

/** A greeted client, optionally from another loopback address. */
async function greeted(nick: string, deviceId?: string, localAddress?: string): Promise<TestClient> {
  const c = await helloSent(nick, deviceId, localAddress);
  await c.next('welcome');
  return c;
}

async function join(c: TestClient, room: string): Promise<void> {
  c.send({ type: 'join', ref: `j-${room}`, room });
  await c.next('joined', (f) => f.room === room);
}

const memberOf = (c: TestClient) => (c.frames.find((f) => f.type === 'welcome') as HostFrameOf<'welcome'>).member;
const deviceOf = (c: TestClient) => (c.frames.find((f) => f.type === 'welcome') as HostFrameOf<'welcome'>).device;

async function until<T>(read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the connected list', () => {
  it("knows a connection's round trip at once, from a ping at accept, not only after the first heartbeat", async () => {
    await host({ limits: { heartbeatIntervalMs: 60_000 } });
    const ann = await greeted('ann');
    const view = await until(() => {
      const v = h!.host.moderation.view();
      return v.connections.find((c) => c.member === memberOf(ann))?.rttMs != null ? v : undefined;
    }, 2000);
    const rtt = view.connections.find((c) => c.member === memberOf(ann))!.rttMs!;
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(2000);
  });

  it('shows each connection: member, nick, device, address, rooms, since, RTT, queue and traffic', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000; // kept to the second
    await host({ limits: { heartbeatIntervalMs: 100 } });
    const ann = await greeted('ann');
    await join(ann, 'general');
    const bob = await greeted('bob', undefined, '127.0.1.7');
    const moderation = h!.host.moderation;
    // RTT comes from the pings (at accept, then each beat): wait for a pong of each. Looking also starts the traffic counts.
    await until(() => {
      const v = moderation.view();
      return v.connections.length === 2 && v.connections.every((c) => c.rttMs !== null) ? v : undefined;
    });
    ann.send({ type: 'send', ref: 's1', room: 'general', id: 'm1', text: 'hello there' });
    await ann.next('ack');
    // Rates cover a second or more: the first window that ends after the send has it.
    const view = await until(() => {
      const v = moderation.view();
      return v.connections.find((c) => c.member === memberOf(ann))!.in.messagesPerSecond > 0 ? v : undefined;
    });
    const a = view.connections.find((c) => c.member === memberOf(ann))!;
    expect(a).toMatchObject({
      nick: 'ann',
      device: deviceOf(ann),
      address: '127.0.0.1',
      rooms: ['general'],
      greeted: true,
      bufferedAmount: 0,
    });
    expect(a.connectedAt).toBeGreaterThanOrEqual(before);
    expect(a.connectedAt).toBeLessThanOrEqual(view.at);
    expect(a.rttMs).toBeGreaterThanOrEqual(0);
    expect(a.in.messages).toBe(1); // the send, counted since the first look
    expect(a.in.bytes).toBeGreaterThan(50);
    expect(a.out.messages).toBe(2); // its message and the ack
    expect(a.out.bytes).toBeGreaterThan(a.in.bytes);
    expect(a.in.messagesPerSecond).toBeLessThanOrEqual(1);
    const b = view.connections.find((c) => c.member === memberOf(bob))!;
    expect(b).toMatchObject({ nick: 'bob', address: '127.0.1.7', rooms: [], in: { messages: 0 } });
    expect(view.bans).toEqual([]);
    expect(view.mutes).toEqual([]);
  });

  it('lists a connection that has not said hello yet, without nick or device', async () => {
    await host();
    const raw = await TestClient.open(h!.url);
    extra.push(raw);
    const [c] = await until(() => {
      const v = h!.host.moderation.view().connections;
      return v.length === 1 ? v : undefined;
    });
    expect(c).toMatchObject({ greeted: false, nick: '', device: '', rooms: [] });
  });
});

describe('kick', () => {
  it('closes the member with 4003 and the reason, and records it in the rooms it was in', async () => {
    await host();
    const ann = await greeted('ann');
    const bob = await greeted('bob');
    await join(ann, 'general');
    await join(bob, 'general');
    const result = await h!.host.moderation.kick({ member: memberOf(ann), reason: 'spamming' });
    expect(await ann.closed).toEqual({ code: CLOSE_CODES.kicked, reason: 'kicked: spamming' });
    expect(result.closed).toBe(1);
    expect(result.recorded).toEqual([{ room: 'general', seq: 1 }]);
    const record = await bob.next('message', (m) => m.kind === 'moderation');
    expect(record).toMatchObject({
      room: 'general',
      from: { source: 'operator', device: 'host' },
      body: { action: 'kick', target: { scope: 'member', nick: 'ann', device: deviceOf(ann) }, reason: 'spamming' },
    });
    expect(record.text).toBe('ann was removed from the host by the operator: spamming');
    // The others in the room see the kicked member leave.
    await bob.next('presence', (p) => p.event === 'leave' && p.member.nick === 'ann');
  });

  it('cuts a long reason to fit a close frame (123 bytes), between characters; the record keeps it whole', async () => {
    await host();
    const ann = await greeted('ann');
    await join(ann, 'general');
    const reason = 'é'.repeat(150); // 300 bytes of UTF-8
    await h!.host.moderation.kick({ member: memberOf(ann), reason });
    const closed = await ann.closed;
    expect(closed.code).toBe(CLOSE_CODES.kicked);
    expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123);
    expect(closed.reason).toMatch(/^kicked: é+…$/);
    const bob = await greeted('bob');
    bob.send({ type: 'join', room: 'general', since: 0 });
    const page = await bob.next('history');
    expect(page.messages[0]).toMatchObject({ kind: 'moderation', body: { reason } });
  });

  it('refuses an unknown member and a reason longer than 200 characters, closing nothing', async () => {
    await host();
    const ann = await greeted('ann');
    await expect(h!.host.moderation.kick({ member: 'nobody' })).rejects.toThrow(/no connected member/);
    await expect(h!.host.moderation.kick({ member: memberOf(ann), reason: 'x'.repeat(201) })).rejects.toThrow(
      /reason: must be at most 200/,
    );
    await expect(h!.host.moderation.kick({ member: memberOf(ann), reason: 'x'.repeat(200) })).resolves.toMatchObject({
      closed: 1,
    });
  });
});

describe('ban', () => {
  it('by device: closes it with 4004 at once, refuses it at hello when it comes back, records it in every room', async () => {
    await host();
    const ann = await greeted('ann', 'device-ann-kept');
    const bob = await greeted('bob');
    await join(ann, 'general');
    await join(bob, 'general');
    await join(bob, 'other');
    const result = await h!.host.moderation.ban({ member: memberOf(ann), reason: 'spam', durationMs: 600_000 });
    const refusal = await ann.next('error');
    expect(refusal.code).toBe('banned');
    expect(refusal.retryAfterMs).toBeGreaterThan(590_000);
    expect(refusal.message).toMatch(/banned .*: spam/);
    expect(await ann.closed).toEqual({ code: CLOSE_CODES.banned, reason: 'banned: spam' });
    expect(result).toMatchObject({ closed: 1, ban: { device: deviceOf(ann), reason: 'spam' } });
    expect(result.recorded.map((r) => r.room).sort()).toEqual(['general', 'other']);
    for (const room of ['general', 'other']) {
      const m = await bob.next('message', (f) => f.room === room && f.kind === 'moderation');
      expect(m.body).toMatchObject({ action: 'ban', target: { scope: 'device', nick: 'ann' }, reason: 'spam' });
    }

    const back = await helloSent('ann2', 'device-ann-kept');
    expect((await back.next('error')).code).toBe('banned');
    expect((await back.closed).code).toBe(CLOSE_CODES.banned);
    expect(back.frames.some((f) => f.type === 'welcome')).toBe(false);
    await greeted('ann', 'device-ann-other'); // another device is not banned
  });

  it('by address range: closes the connections in it and refuses new ones from it with 403; others get in', async () => {
    await host();
    const inside = await greeted('in', undefined, '127.0.1.5');
    const outside = await greeted('out', undefined, '127.0.2.5');
    const result = await h!.host.moderation.ban({ range: '127.0.1.0/24', reason: 'lab' });
    expect(await inside.closed).toEqual({ code: CLOSE_CODES.banned, reason: 'banned: lab' });
    expect(result).toMatchObject({ closed: 1, ban: { range: '127.0.1.0/24', until: null } });
    await expect(TestClient.open(h!.url, { localAddress: '127.0.1.200' })).rejects.toThrow('HTTP 403');
    await greeted('also-out', undefined, '127.0.2.6');
    expect(outside.ws.readyState).toBe(outside.ws.OPEN);
    // The record names no address.
    const view = await greeted('viewer');
    view.send({ type: 'join', room: 'general', since: 0 });
    const page = await view.next('history');
    expect(page.messages[0]!.body).toEqual({ action: 'ban', target: { scope: 'address' }, reason: 'lab', until: null });
    expect(JSON.stringify(page.messages[0])).not.toContain('127.0.1');
  });

  it('by address range: refuses the range plain HTTP too (pages, room list, files), with the reason', async () => {
    await host();
    await h!.host.moderation.ban({ range: '127.0.1.0/24', reason: 'lab' });
    const get = (localAddress: string, path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: h!.host.port, path, localAddress }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/health', '/api/rooms', `/files/${'0'.repeat(32)}?key=x`]) {
      const refused = await get('127.0.1.9', path);
      expect(refused.status, path).toBe(403);
      expect(refused.body, path).toContain('banned');
    }
    expect((await get('127.0.2.9', '/health')).status).toBe(200);
  });

  it('expires: the device gets back in once its duration has passed, and the list forgets it', async () => {
    const time = skewedClock();
    await host({ clock: time.clock });
    const ann = await greeted('ann', 'device-ann-kept');
    await h!.host.moderation.ban({ device: deviceOf(ann), durationMs: 60_000 });
    await ann.closed;
    const again = await helloSent('ann', 'device-ann-kept');
    expect((await again.next('error')).retryAfterMs).toBeLessThanOrEqual(60_000);
    time.advance(60_001);
    await greeted('ann', 'device-ann-kept');
    expect(h!.host.moderation.view().bans).toEqual([]);
  });

  it('an address ban expires too, and unban lifts a ban at once (recorded)', async () => {
    const time = skewedClock();
    await host({ clock: time.clock });
    const { ban: short } = await h!.host.moderation.ban({ range: '127.0.1.1', durationMs: 1000 });
    expect(short!.range).toBe('127.0.1.1/32');
    await expect(TestClient.open(h!.url, { localAddress: '127.0.1.1' })).rejects.toThrow('HTTP 403');
    time.advance(1001);
    await greeted('back', undefined, '127.0.1.1');

    const { ban } = await h!.host.moderation.ban({ range: '127.0.3.0/24' });
    await expect(TestClient.open(h!.url, { localAddress: '127.0.3.1' })).rejects.toThrow('HTTP 403');
    const lifted = await h!.host.moderation.unban({ id: ban!.id });
    expect(lifted.recorded).toHaveLength(2);
    await greeted('lifted', undefined, '127.0.3.1');
    await expect(h!.host.moderation.unban({ id: ban!.id })).rejects.toThrow(/no ban/);
  });

  it('refuses a range that is not one, and a duration outside 1 s to a year', async () => {
    await host();
    await expect(h!.host.moderation.ban({ range: '300.0.0.0/8' })).rejects.toThrow(/not an IP address/);
    await expect(h!.host.moderation.ban({ range: '10.0.0.0/33' })).rejects.toThrow(/prefix/);
    await expect(h!.host.moderation.ban({ device: 'abcdabcdabcdabcd', durationMs: 999 })).rejects.toThrow(/durationMs/);
    await expect(h!.host.moderation.ban({ device: 'abcdabcdabcdabcd', range: '10.0.0.1' })).rejects.toThrow(
      /exactly one/,
    );
    await expect(h!.host.moderation.ban({ device: 'abcdabcdabcdabcd', durationMs: 1000 })).resolves.toMatchObject({
      closed: 0,
    });
    expect(h!.host.moderation.view().bans).toHaveLength(1);
  });

  it('survives a restart of the host (kept in its database)', async () => {
    dir = mkdtempSync(joinPath(tmpdir(), 'tincan-ban-'));
    await host({ dataDir: dir });
    await h!.host.moderation.ban({ range: '127.0.1.0/24', reason: 'kept' });
    await h!.host.moderation.mute({ room: 'general', device: 'a1b2c3d4e5f60718' });
    await h!.stop();
    h = await startHost({ dataDir: dir }, []);
    await expect(TestClient.open(h.url, { localAddress: '127.0.1.2' })).rejects.toThrow('HTTP 403');
    const view = h.host.moderation.view();
    expect(view.bans).toMatchObject([{ range: '127.0.1.0/24', reason: 'kept' }]);
    expect(view.mutes).toMatchObject([{ room: 'general', device: 'a1b2c3d4e5f60718', until: null }]);
  });
});

describe('names in the lists', () => {
  it('bans and mutes keep the nickname the device had, after it left and across a restart', async () => {
    dir = mkdtempSync(joinPath(tmpdir(), 'tincan-ban-nick-'));
    await host({ dataDir: dir });
    const dave = await greeted('Dave', 'device-dave-kept');
    const carol = await greeted('Carol', 'device-carol-kept');
    await join(carol, 'general');
    await h!.host.moderation.ban({ member: memberOf(dave), reason: 'ban test' });
    await h!.host.moderation.mute({ room: 'general', member: memberOf(carol) });
    await dave.closed;
    await carol.close();
    await until(() => (h!.host.moderation.view().connections.length === 0 ? true : undefined));
    expect(h!.host.moderation.view().bans).toMatchObject([{ device: deviceOf(dave), nick: 'Dave' }]);
    expect(h!.host.moderation.view().mutes).toMatchObject([{ device: deviceOf(carol), nick: 'Carol' }]);
    // A range names no one; a device tag the host never saw has no name.
    await h!.host.moderation.ban({ range: '127.0.9.0/24' });
    await h!.host.moderation.ban({ device: 'a1b2c3d4e5f60718' });
    await h!.stop();
    h = await startHost({ dataDir: dir }, []);
    const view = h.host.moderation.view();
    expect(view.bans.map((b) => b.nick)).toEqual(['Dave', undefined, undefined]);
    expect(view.mutes.map((m) => m.nick)).toEqual(['Carol']);
  });

  it('a muted device that is connected shows the nickname it has now', async () => {
    await host();
    const carol = await greeted('Carol', 'device-carol-kept');
    await join(carol, 'general');
    await h!.host.moderation.mute({ room: 'general', member: memberOf(carol) });
    carol.send({ type: 'nick', ref: 'n', nick: 'Caz' });
    await until(() => (h!.host.moderation.view().mutes[0]?.nick === 'Caz' ? true : undefined));
  });
});

describe('mute', () => {
  it('refuses send and typing in that room only, with muted and retryAfterMs, until it expires', async () => {
    const time = skewedClock();
    await host({ clock: time.clock });
    const ann = await greeted('ann');
    const bob = await greeted('bob');
    for (const c of [ann, bob]) {
      await join(c, 'general');
      await join(c, 'other');
    }
    const result = await h!.host.moderation.mute({
      room: 'general',
      member: memberOf(ann),
      durationMs: 120_000,
      reason: 'cool off',
    });
    expect(result.recorded).toEqual([{ room: 'general', seq: 1 }]);
    const record = await bob.next('message', (m) => m.kind === 'moderation');
    expect(record.text).toBe('ann was muted in this room for 2 minutes: cool off');

    ann.send({ type: 'send', ref: 'r1', room: 'general', id: 'muted-1', text: 'let me talk' });
    const refused = await ann.next('error', (e) => e.ref === 'r1');
    expect(refused).toMatchObject({ code: 'muted', room: 'general', id: 'muted-1' });
    expect(refused.retryAfterMs).toBeGreaterThan(119_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(120_000);
    ann.send({ type: 'typing', room: 'general', active: true });
    expect((await ann.next('error', (e) => e.code === 'muted' && e.ref === undefined)).room).toBe('general');

    ann.send({ type: 'send', ref: 'r2', room: 'other', id: 'free-1', text: 'elsewhere is fine' });
    expect(await ann.next('ack', (a) => a.ref === 'r2')).toMatchObject({ room: 'other', duplicate: false });
    // Nothing of the muted send was stored or broadcast.
    await bob.next('message', (m) => m.id === 'free-1');
    expect(bob.frames.some((f) => f.type === 'message' && f.id === 'muted-1')).toBe(false);
    expect(bob.frames.some((f) => f.type === 'typing' && f.room === 'general')).toBe(false);

    time.advance(120_001);
    ann.send({ type: 'send', ref: 'r3', room: 'general', id: 'muted-2', text: 'back' });
    expect(await ann.next('ack', (a) => a.ref === 'r3')).toMatchObject({ room: 'general' });
    expect(h!.host.moderation.view().mutes).toEqual([]);
  });

  it('until unmuted: no retryAfterMs; unmute lifts it and is recorded', async () => {
    await host();
    const ann = await greeted('ann');
    await join(ann, 'general');
    await h!.host.moderation.mute({ room: 'general', device: deviceOf(ann) });
    ann.send({ type: 'send', ref: 'r1', room: 'general', id: 'a1', text: 'hi' });
    const refused = await ann.next('error', (e) => e.ref === 'r1');
    expect(refused.code).toBe('muted');
    expect(refused.retryAfterMs).toBeUndefined();
    const lifted = await h!.host.moderation.unmute({ room: 'general', device: deviceOf(ann) });
    expect(lifted.recorded).toEqual([{ room: 'general', seq: 2 }]);
    const record = await ann.next('message', (m) => m.seq === 2);
    expect(record.body).toMatchObject({ action: 'unmute', target: { nick: 'ann' } });
    ann.send({ type: 'send', ref: 'r2', room: 'general', id: 'a1', text: 'hi' });
    expect((await ann.next('ack', (a) => a.ref === 'r2')).seq).toBe(3);
    await expect(h!.host.moderation.unmute({ room: 'general', device: deviceOf(ann) })).rejects.toThrow(/not muted/);
    await expect(h!.host.moderation.mute({ room: 'nowhere', device: deviceOf(ann) })).rejects.toThrow(/no room/);
  });

  it('covers typing into a feed of that room too: the line is refused, not stored or written', async () => {
    await host({}, ['ops']);
    const feeds = new FeedService({
      hub: h!.host.hub,
      hostName: 't',
      connections: () => 0,
      logger: { info() {}, warn() {}, error() {} },
    });
    try {
      feeds.addCommand('ops', ['cat'], { name: 'repl', stdin: 'everyone' });
      const ann = await greeted('ann');
      await join(ann, 'ops');
      await ann.next('feed', (f) => f.feed.state === 'running', 10_000);
      await h!.host.moderation.mute({ room: 'ops', device: deviceOf(ann), durationMs: 60_000 });
      ann.send({ type: 'feed-input', ref: 'f1', room: 'ops', feed: 'repl', id: 'in-1', text: 'echo me' });
      expect(await ann.next('error', (e) => e.ref === 'f1')).toMatchObject({ code: 'muted', room: 'ops', id: 'in-1' });
      await h!.host.moderation.unmute({ room: 'ops', device: deviceOf(ann) });
      ann.send({ type: 'feed-input', ref: 'f2', room: 'ops', feed: 'repl', id: 'in-2', text: 'echo me' });
      expect(await ann.next('ack', (a) => a.ref === 'f2')).toMatchObject({ id: 'in-2', duplicate: false });
    } finally {
      await feeds.close();
    }
  });
});
