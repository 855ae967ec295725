import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostServer } from '../../../../src/main/host/host-server.ts';
import type { HostOptions } from '../../../../src/main/host/options.ts';
import { HostClient } from '../../../../src/renderer/src/lib/net/host-client.svelte.ts';
import { memoryStorage, until } from '../../helpers/memory-storage.ts';

const fast = { baseMs: 50, maxMs: 200, jitter: 0 };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(options: HostOptions = {}, rooms = ['general']): Promise<HostServer> {
  const server = new HostServer({ port: 0, bind: '127.0.0.1', ...options });
  for (const r of rooms) await server.createRoom(r);
  await server.listen();
  return server;
}

function client(port: number, nick: string, storage = memoryStorage(), pingIntervalMs = 100): HostClient {
  const c = new HostClient({
    address: { hostname: '127.0.0.1', port },
    identity: () => ({ deviceId: `device-${nick}-000`, nick }),
    storage,
    reconnect: fast,
    pingIntervalMs,
  });
  cleanups.push(() => c.disconnect());
  return c;
}

describe('HostClient against a real host', () => {
  it('connects, shows the WebSocket state and round-trip time, joins and chats', async () => {
    const server = await host({ hostName: 'box' });
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    const bo = client(server.port, 'bo');
    expect(ann.readyState).toBe(3);
    const room = ann.join('general');
    expect(ann.readyState).toBe(0); // CONNECTING
    bo.join('general');
    await until(() => room.joined && bo.rooms.get('general')!.joined, 'joins');
    expect(ann.readyState).toBe(1);
    expect(ann.hostName).toBe('box');
    await until(() => ann.rttMs !== null, 'rtt');
    ann.send('general', 'hello @bo');
    await until(() => bo.rooms.get('general')!.count === 1 && ann.outgoing('general').length === 0, 'delivery');
    expect(bo.rooms.get('general')!.messages[0]).toMatchObject({
      seq: 1,
      text: 'hello @bo',
      from: { nick: 'ann', device: ann.myDevice },
    });
    expect(room.messages.map((m) => m.text)).toEqual(['hello @bo']);
    expect(room.members.map((m) => m.nick).sort()).toEqual(['ann', 'bo']);
    expect(ann.frames().some((f) => f.direction === 'out' && f.kind === 'hello')).toBe(true);
  });

  it('tells the host a nickname saved after its hello went out and before the welcome came', async () => {
    const server = await host();
    cleanups.push(() => server.close());
    let nick = 'Guest';
    const ann = new HostClient({
      address: { hostname: '127.0.0.1', port: server.port },
      // The person saves a name the moment the hello has read the old one.
      identity: () => {
        const now = { deviceId: 'device-ann-000', nick };
        nick = 'ann';
        return now;
      },
      storage: memoryStorage(),
      reconnect: fast,
    });
    cleanups.push(() => ann.disconnect());
    const bo = client(server.port, 'bo');
    const room = bo.join('general');
    ann.join('general');
    await until(() => room.members.some((m) => m.nick === 'ann'), 'ann under her saved name');
    expect(ann.frames().filter((f) => f.direction === 'out' && f.kind === 'nick')).toHaveLength(1);
  });

  it('marks a message sent while muted as failed with the reason and when the mute ends', async () => {
    const server = await host();
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    await server.moderation.mute({ room: 'general', member: ann.myMember, durationMs: 120_000, reason: 'calm' });
    ann.typing('general', true); // the host refuses typing too, with no id: nothing to fail
    const message = ann.send('general', 'can I still talk?');
    await until(() => ann.outgoing('general')[0]?.state === 'failed', 'failed as muted');
    expect(ann.outgoing('general')[0]).toMatchObject({ id: message.id, error: 'muted' });
    expect(room.mutedUntil).toBeGreaterThan(Date.now() + 100_000);
  });

  it('keeps messages written offline in the outbox and sends each exactly once after connecting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-client-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let server = await host({ dataDir: dir });
    const port = server.port;
    const ann = client(port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    const device = ann.myDevice;
    await server.close(); // the host goes away
    await until(() => ann.readyState === 3 && ann.lastClose !== null, 'close');
    // Not connected, but our messages are still recognisably ours while the host is away.
    expect(ann.connected).toBe(false);
    expect(ann.myDevice).toBe(device);
    expect(ann.lastClose).toMatchObject({ code: 1001, reason: 'host shutting down', wasClean: true });
    for (let i = 1; i <= 60; i++) ann.send('general', `offline ${i}`); // more than the host's burst
    expect(ann.outgoing('general')).toHaveLength(60);
    expect(ann.reconnectAt).not.toBeNull();
    server = await host({ dataDir: dir, port }, []);
    cleanups.push(() => server.close());
    await until(() => ann.outgoing('general').length === 0, 'outbox flush', 15_000);
    expect(room.messages.map((m) => m.text)).toEqual(Array.from({ length: 60 }, (_, i) => `offline ${i + 1}`));
    expect(room.messages.map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(server.rooms()[0]).toMatchObject({ head: 60 });
  });

  it('resumes after a host restart: what others sent meanwhile arrives once, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-client-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let server = await host({ dataDir: dir, limits: { historyPageSize: 7 } });
    const port = server.port;
    const ann = client(port, 'ann');
    const bo = client(port, 'bo');
    const annRoom = ann.join('general');
    const boRoom = bo.join('general');
    await until(() => annRoom.joined && boRoom.joined, 'joins');
    bo.send('general', 'before');
    await until(() => annRoom.count === 1, 'first message');
    ann.disconnect(); // ann is away
    await until(() => ann.readyState === 3, 'ann closed');
    for (let i = 1; i <= 20; i++) bo.send('general', `while away ${i}`);
    await until(() => bo.outgoing('general').length === 0, 'bo acked');
    await server.close();
    server = await host({ dataDir: dir, port, limits: { historyPageSize: 7 } }, []);
    cleanups.push(() => server.close());
    ann.reconnectNow();
    await until(() => annRoom.count === 21, 'catch-up');
    bo.send('general', 'after');
    await until(() => annRoom.count === 22, 'live after catch-up');
    expect(annRoom.messages.map((m) => m.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(annRoom.messages.at(-1)!.text).toBe('after');
  });

  it('marks a message the host cannot take as failed, with the reason, and retry sends it', async () => {
    const server = await host();
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    const bad = ann.send('general', 'x'.repeat(9000));
    expect(ann.outgoing('general')[0]).toMatchObject({ id: bad.id, state: 'failed' });
    expect(ann.outgoing('general')[0]!.error).toBe('invalid_frame');
    ann.discard(bad.id);
    expect(ann.outgoing('general')).toEqual([]);
  });

  it('reports a wrong password on the room and joins with the right one', async () => {
    const server = await host({}, []);
    cleanups.push(() => server.close());
    await server.createRoom('vault', { password: 'pw' });
    const ann = client(server.port, 'ann');
    const room = ann.join('vault');
    await until(() => room.joinError !== null, 'password error');
    expect(room.joinError).toBe('password_required');
    ann.join('vault', 'wrong');
    await until(() => room.joinError === 'wrong_password', 'wrong password');
    expect(room.joinRetryAt! - Date.now()).toBeLessThanOrEqual(500); // the host's first wait
    expect(room.password).toBeUndefined(); // asked again, not kept
    ann.join('vault', 'pw');
    await until(() => room.joinError === 'auth_backoff', 'backoff shown');
    await new Promise((r) => setTimeout(r, 550));
    ann.join('vault', 'pw');
    await until(() => room.joined, 'join with password');
  });

  it('counts each refused try and says when the next may go, so the same refusal twice is two answers', async () => {
    const server = await host({}, []);
    cleanups.push(() => server.close());
    await server.createRoom('vault', { password: 'pw' });
    const ann = client(server.port, 'ann');
    const room = ann.join('vault', 'wrong');
    await until(() => room.joinError === 'wrong_password', 'first refusal');
    const first = Date.now();
    expect(room.joinRefusals).toBe(1);
    expect(room.joinRetryAt).toBeGreaterThan(first - 5_000);
    expect(room.joinRetryAt).toBeLessThanOrEqual(first + 500);
    await until(() => Date.now() >= room.joinRetryAt!, 'the back-off ends');
    ann.join('vault', 'wrong again');
    expect(room.joinError).toBeNull(); // in flight: the earlier refusal is not shown as this one's
    await until(() => room.joinError === 'wrong_password', 'second refusal');
    expect(room.joinRefusals).toBe(2);
    // The host doubles its wait after each wrong try; the client counts down from the new one.
    expect(room.joinRetryAt! - Date.now()).toBeGreaterThan(500);
    await until(() => Date.now() >= room.joinRetryAt!, 'the back-off ends', 10_000);
    ann.join('vault', 'pw');
    await until(() => room.joined, 'joined');
    expect(room.joinRefusals).toBe(0);
    expect(room.joinRetryAt).toBeNull();
    expect(room.everJoined).toBe(true);
  });

  it('searches a joined room', async () => {
    const server = await host();
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    ann.send('general', 'the build is green');
    ann.send('general', 'lunch?');
    await until(() => room.count === 2, 'messages');
    expect((await ann.search('general', 'buil'))?.map((m) => m.text)).toEqual(['the build is green']);
  });

  it('asks for more search results with a larger limit', async () => {
    const server = await host();
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    for (let i = 0; i < 30; i++) ann.send('general', `needle ${i}`);
    await until(() => ann.outgoing('general').length === 0, 'acks', 10_000);
    expect(await ann.search('general', 'needle')).toHaveLength(20); // the host's default
    expect(await ann.search('general', 'needle', 25)).toHaveLength(25);
    expect(await ann.search('general', 'needle', 100)).toHaveLength(30);
  });

  it('loads the page around a message it does not hold, and fills the gap up to what it holds', async () => {
    const server = await host({ limits: { ratePerSecond: 2000, rateBurst: 2000 } });
    cleanups.push(() => server.close());
    const bo = client(server.port, 'bo');
    const boRoom = bo.join('general');
    await until(() => boRoom.joined, 'bo joins');
    for (let i = 1; i <= 400; i++) bo.send('general', `m${i}`);
    await until(() => bo.outgoing('general').length === 0, 'acks', 20_000);
    const ann = client(server.port, 'ann');
    const room = ann.join('general');
    await until(() => room.count === 100 && !room.loadingOlder, 'newest page');
    expect(room.oldestSeq).toBe(301);
    expect(room.has(40)).toBe(false);

    expect(await ann.loadAround('general', 40)).toBe(true);
    expect(room.messages[0]!.seq).toBe(1); // 50 before it would go below 1: from the start
    expect(room.has(40) && room.has(90)).toBe(true); // 50 after it: up to 90
    expect(room.has(91)).toBe(false);
    expect(await ann.loadAround('general', 40)).toBe(true); // held: no request
    expect(await ann.loadAround('general', 10_000)).toBe(false); // not in the room

    // The hole between 90 and 301 fills page by page (100 at most each), nothing doubled.
    expect(await ann.loadGap('general', 90, 301)).toBe(true);
    expect(room.has(190) && !room.has(191)).toBe(true);
    expect(await ann.loadGap('general', 190, 301)).toBe(true);
    expect(await ann.loadGap('general', 290, 301)).toBe(true);
    expect(room.messages.map((m) => m.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  });

  it('reaches the message of a jump through pages the host cuts short by bytes', async () => {
    const server = await host({ limits: { ratePerSecond: 2000, rateBurst: 2000, maxPageBytes: 3000 } });
    cleanups.push(() => server.close());
    const bo = client(server.port, 'bo');
    const boRoom = bo.join('general');
    await until(() => boRoom.joined, 'bo joins');
    for (let i = 1; i <= 200; i++) bo.send('general', `m${i} ${'x'.repeat(100)}`);
    await until(() => bo.outgoing('general').length === 0, 'acks', 20_000);
    const ann = client(server.port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined && room.count > 0 && !room.loadingOlder, 'newest page');
    expect(room.has(90)).toBe(false);
    // The page from 39 on is cut after about 20 messages: the jump goes on until it holds 90.
    expect(await ann.loadAround('general', 90)).toBe(true);
    expect(room.has(40) && room.has(90)).toBe(true);
  });
});

/** A TCP proxy in front of a host that can go silent (forward nothing, close nothing), like a vanished peer. */
async function blackholeProxy(target: number): Promise<{ port: number; silence(): void; close(): void }> {
  const { createServer, connect } = await import('node:net');
  let silent = false;
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (d) => void (!silent && upstream.write(d)));
    upstream.on('data', (d) => void (!silent && client.write(d)));
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    silence: () => void (silent = true),
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('HostClient when things go wrong', () => {
  it('retries at least every ~2 s while a host that said it was restarting is away, not at the grown backoff', async () => {
    const server = await host();
    const ann = new HostClient({
      address: { hostname: '127.0.0.1', port: server.port },
      identity: () => ({ deviceId: 'device-ann-000', nick: 'ann' }),
      storage: memoryStorage(),
      // The app's own backoff shape, without jitter: 0.5, 1, 2, 4, 8 s…
      reconnect: { baseMs: 500, maxMs: 30_000, jitter: 0 },
    });
    cleanups.push(() => ann.disconnect());
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    await server.close(); // 1001: going away
    // (Between attempts a probe handshake may run, with no retry scheduled for that moment.)
    await until(() => ann.failedAttempts >= 3 && ann.reconnectAt !== null, 'three failed retries', 8000);
    // The fourth wait would be 4 s by the backoff; capped, it is 2 s.
    const wait = ann.reconnectAt! - Date.now();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(2000);
  });

  it('keeps the host’s clean shutdown as the close reason while retries fail, and says it is restarting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-client-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let server = await host({ dataDir: dir });
    const port = server.port;
    const ann = client(port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    expect(ann.restarting).toBe(false);
    await server.close();
    await until(() => ann.lastClose !== null, 'close');
    expect(ann.lastClose).toMatchObject({ code: 1001, reason: 'host shutting down' });
    expect(ann.restarting).toBe(true);
    await until(() => ann.failedAttempts >= 2, 'failed retries', 5000);
    expect(ann.lastClose).toMatchObject({ code: 1001, reason: 'host shutting down' }); // not a retry's 1006
    server = await host({ dataDir: dir, port }, []);
    cleanups.push(() => server.close());
    await until(() => room.joined, 'back', 10_000);
    expect(ann.restarting).toBe(false);
    expect(ann.failedAttempts).toBe(0); // the failures were before this connection: the bar stops counting them
    expect(ann.lastClose).toMatchObject({ code: 1001, reason: 'host shutting down' });
  });

  it('reports the first failure when a host was never reached', async () => {
    const server = await host();
    const port = server.port;
    await server.close();
    const ann = client(port, 'ann');
    ann.connect();
    await until(() => ann.lastClose !== null, 'first failure');
    expect(ann.lastClose!.code).toBe(1006);
    expect(ann.restarting).toBe(false);
  });

  it('gives up on a host that stops answering pings, even while TCP still looks open', async () => {
    const server = await host();
    cleanups.push(() => server.close());
    const proxy = await blackholeProxy(server.port);
    cleanups.push(() => proxy.close());
    const ann = new HostClient({
      address: { hostname: '127.0.0.1', port: proxy.port },
      identity: () => ({ deviceId: 'device-ann-000', nick: 'ann' }),
      storage: memoryStorage(),
      reconnect: { baseMs: 5000, maxMs: 5000, jitter: 0 },
      pingIntervalMs: 50,
      pongTimeoutMs: 200,
    });
    cleanups.push(() => ann.disconnect());
    const room = ann.join('general');
    await until(() => room.joined && ann.rttMs !== null, 'join');
    proxy.silence();
    ann.send('general', 'into the void');
    await until(() => ann.readyState === 3, 'abandon');
    expect(ann.lastClose).toMatchObject({ code: 1006, reason: 'no answer from host', wasClean: false });
    expect(ann.rttMs).toBeNull();
    expect(ann.outgoing('general')[0]).toMatchObject({ state: 'queued' }); // back in line, not stuck in "sending"
    expect(ann.reconnectAt).not.toBeNull();
  });

  it('starts a room afresh when the address now answers with another host (new database)', async () => {
    let server = await host();
    const port = server.port;
    const ann = client(port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    for (const text of ['a', 'b', 'c']) ann.send('general', text);
    await until(() => room.count === 3, 'three');
    const firstId = ann.hostId;
    await server.close();
    server = await host({ port }); // fresh, in-memory: another host id, seq starts at 1 again
    cleanups.push(() => server.close());
    const bo = client(port, 'bo');
    bo.join('general');
    await until(() => bo.rooms.get('general')!.joined, 'bo joins');
    bo.send('general', 'fresh after reset');
    await until(() => room.messages.some((m) => m.text === 'fresh after reset'), "the new host's message", 10_000);
    expect(ann.hostId).not.toBe(firstId);
    expect(room.messages.map((m) => m.text)).toEqual(['fresh after reset']);
  });

  it('retries joins the host rate-limited, until every room is joined', async () => {
    const rooms = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    const server = await host({ limits: { ratePerSecond: 4, rateBurst: 2 } }, rooms);
    cleanups.push(() => server.close());
    // Pings every 100 ms would spend this tiny budget by themselves: use the app's 5 s.
    const ann = client(server.port, 'ann', memoryStorage(), 5000);
    for (const r of rooms) ann.join(r);
    await until(() => rooms.every((r) => ann.rooms.get(r)!.joined), 'all joined', 10_000);
  });

  it('settles a search the host refuses, and clears loading state when the connection drops', async () => {
    const server = await host({}, ['general', 'other']);
    const ann = client(server.port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    expect(await ann.search('other', 'x')).toBeNull(); // not joined: the host says not_joined
    expect(await ann.search('general', 'nothing like it')).toEqual([]); // ran, and found nothing
    room.loadingOlder = true;
    await server.close();
    await until(() => ann.readyState === 3, 'close');
    expect(room.loadingOlder).toBe(false);
  });

  it('keeps passwords and the device id out of the inspector', async () => {
    const server = await host({}, []);
    cleanups.push(() => server.close());
    await server.createRoom('vault', { password: 'hunter2' });
    const ann = client(server.port, 'ann');
    const room = ann.join('vault', 'hunter2');
    await until(() => room.joined, 'join');
    const logged = ann
      .frames()
      .map((f) => f.text)
      .join('\n');
    expect(logged).not.toContain('hunter2');
    expect(logged).not.toContain('device-ann-000');
    expect(logged).toContain('"mechanism":"SCRAM-SHA-256"');
    expect(logged).toMatch(/"clientFinal":"c=biws,r=[^,]+,p=•••"/); // the proof is blanked too
  });
});

/** A plain WebSocket server that is not a Tincan host; `select` picks a subprotocol (false: none). */
async function foreignServer(
  select: (offered: Set<string>) => string | false,
  greeting?: string,
): Promise<{ port: number; received: string[]; close(): Promise<void> }> {
  const { WebSocketServer } = await import('ws');
  const received: string[] = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: select });
  wss.on('connection', (ws) => {
    if (greeting !== undefined) ws.send(greeting);
    ws.on('message', (data) => {
      received.push(String(data));
      ws.send(data);
    });
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  return {
    port: (wss.address() as { port: number }).port,
    received,
    close: () => new Promise<void>((r) => wss.close(() => r())),
  };
}

/** A WebSocket that offers no subprotocol whatever it is asked: a handshake that "succeeds" without one. */
class Lenient extends WebSocket {
  constructor(url: string | URL, _protocols?: string | string[]) {
    super(url);
  }
}

describe('HostClient at an address that is not a Tincan host', () => {
  it('says so within a few seconds when the handshake with tincan.v1 fails, and sends nothing', async () => {
    const server = await foreignServer(() => false);
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    const started = Date.now();
    ann.join('general');
    await until(() => ann.notTincan !== null, 'not a Tincan host', 3000);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(ann.notTincan).toBe('handshake');
    expect(ann.readyState).toBe(3);
    expect(ann.reconnectAt).toBeNull(); // not retrying
    expect(server.received).toEqual([]); // no hello, no device id
    expect(ann.frames().some((f) => f.direction === 'out')).toBe(false);
  });

  it('does not mistake a host that is down for a foreign server', async () => {
    const server = await host();
    const port = server.port;
    await server.close();
    const ann = client(port, 'ann');
    ann.connect();
    await until(() => ann.failedAttempts >= 2, 'retries', 5000);
    expect(ann.notTincan).toBeNull();
    // Still retrying: between two attempts a retry is scheduled (during one, it is connecting).
    await until(() => ann.reconnectAt !== null, 'a scheduled retry', 5000);
    expect(ann.notTincan).toBeNull();
  });

  it('closes without a hello when a server opens without selecting tincan.v1', async () => {
    // Browsers fail such a handshake; a client built on another stack may not. Simulated here by a
    // WebSocket whose handshake "succeeds" with no subprotocol.
    const server = await foreignServer(() => false);
    cleanups.push(() => server.close());
    const ann = new HostClient({
      address: { hostname: '127.0.0.1', port: server.port },
      identity: () => ({ deviceId: 'device-ann-000', nick: 'ann' }),
      storage: memoryStorage(),
      reconnect: fast,
      WebSocketImpl: Lenient as unknown as typeof WebSocket,
    });
    cleanups.push(() => ann.disconnect());
    ann.connect();
    await until(() => ann.notTincan !== null, 'not a Tincan host', 3000);
    expect(ann.notTincan).toBe('subprotocol');
    await new Promise((r) => setTimeout(r, 100));
    expect(server.received).toEqual([]);
  });

  it('gives up at a first frame that is not a Tincan frame, from a server that claims tincan.v1', async () => {
    const server = await foreignServer((offered) => offered.values().next().value ?? false, 'Welcome to my server!');
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    ann.connect();
    await until(() => ann.notTincan !== null, 'not a Tincan host', 3000);
    expect(ann.notTincan).toBe('frames');
    expect(ann.readyState).toBe(3);
    expect(ann.reconnectAt).toBeNull();
  });

  it('connects anyway without tincan.v1 when asked (hosts older than it), still checking what answers', async () => {
    const server = await foreignServer(() => false);
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    ann.connect();
    await until(() => ann.notTincan === 'handshake', 'not a Tincan host', 3000);
    ann.connectAnyway();
    // The echo server sends our hello back: not a welcome, so not a Tincan host after all.
    await until(() => ann.notTincan === 'frames', 'checked by its frames', 3000);
    expect(server.received.map((t) => JSON.parse(t).type)).toEqual(['hello']);
  });

  it('still joins a real host, which selects tincan.v1', async () => {
    const server = await host();
    cleanups.push(() => server.close());
    const ann = client(server.port, 'ann');
    const room = ann.join('general');
    await until(() => room.joined, 'join');
    expect(ann.connection.protocol).toBe('tincan.v1');
    expect(ann.notTincan).toBeNull();
  });
});
