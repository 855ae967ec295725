import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HostServer } from '../../../src/main/host/host-server.ts';
import { startHost } from '../../helpers/host.ts';
import { ScramClient } from '../../../src/shared/scram.ts';
import { scramJoin, sendAuthJoin } from '../../helpers/scram-join.ts';
import { TestClient } from '../../helpers/test-client.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frame and byte budgets out of the way, for tests about what happens to the bytes after. */
const UNTHROTTLED = { ratePerSecond: 1e6, rateBurst: 1e6, textBytesPerSecond: 1e9, textBytesBurst: 1e9 };

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

function whenClosed(s: Socket): Promise<number> {
  const start = Date.now();
  return new Promise((resolve) => s.on('close', () => resolve(Date.now() - start)));
}

describe('HostServer limits, each at its edge', () => {
  it('rate: a full burst passes, the next frame is refused with retryAfterMs, and refill lets it through', async () => {
    let now = 1_000_000;
    h = await startHost({ clock: () => now, limits: { ratePerSecond: 10, rateBurst: 5 } });
    const c = await h.client(); // hello took one token
    for (let i = 0; i < 4; i++) c.send({ type: 'ping', t: i });
    for (let i = 0; i < 4; i++) await c.next('pong');
    c.send({ type: 'send', room: 'general', id: 'over', text: 'x', ref: 'r' });
    expect(await c.next('error')).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 100,
      id: 'over',
      room: 'general',
      ref: 'r',
    });
    now += 100; // one token back at 10/s
    c.send({ type: 'ping', t: 9 });
    expect(await c.next('pong')).toMatchObject({ t: 9 });
  });

  it('rate: closes with 4029 after rateStrikes refused frames in a row', async () => {
    const now = 5_000;
    h = await startHost({ clock: () => now, limits: { ratePerSecond: 1, rateBurst: 1, rateStrikes: 3 } });
    const c = await h.client();
    for (let i = 0; i < 4; i++) c.send({ type: 'ping', t: i });
    expect((await c.closed).code).toBe(4029);
    expect(c.all('error').map((e) => e.code)).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
  });

  it('rate: binary frames count against the limit too', async () => {
    h = await startHost({ clock: () => 5_000, limits: { ratePerSecond: 1, rateBurst: 1, rateStrikes: 2 } });
    const c = await h.client();
    for (let i = 0; i < 3; i++) c.sendRaw(Buffer.from([i]), true);
    expect((await c.closed).code).toBe(4029);
  });

  it('connections per address: the cap is reached, one more is 429, a freed slot is reusable', async () => {
    h = await startHost({ limits: { maxConnectionsPerAddress: 2 } });
    const a = await TestClient.open(h.url);
    const b = await TestClient.open(h.url);
    await expect(TestClient.open(h.url)).rejects.toThrow('HTTP 429');
    await a.close();
    await sleep(50);
    const c = await TestClient.open(h.url);
    expect(h.host.connectionCount).toBe(2);
    await Promise.all([b.close(), c.close()]);
  });

  it('connections in total: one more than the cap is 503', async () => {
    h = await startHost({ limits: { maxConnections: 1 } });
    const a = await TestClient.open(h.url);
    await expect(TestClient.open(h.url)).rejects.toThrow('HTTP 503');
    await a.close();
  });

  it('slowloris: a connection that never finishes its headers is cut at headersTimeoutMs', async () => {
    h = await startHost({ limits: { headersTimeoutMs: 300 } });
    const slow = await rawSocket(h.host.port);
    slow.on('data', () => {});
    slow.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Drip: 1\r\n'), 50);
    const silent = await rawSocket(h.host.port);
    silent.on('data', () => {});
    const [slowMs, silentMs] = await Promise.all([whenClosed(slow), whenClosed(silent)]);
    clearInterval(drip);
    expect(slowMs).toBeGreaterThanOrEqual(250);
    expect(slowMs).toBeLessThan(3000);
    expect(silentMs).toBeLessThan(3000);
  });

  it('hello timeout: a WebSocket that never says hello is closed with 4001', async () => {
    h = await startHost({ limits: { helloTimeoutMs: 150 } });
    const c = await TestClient.open(h.url);
    expect(await c.closed).toMatchObject({ code: 4001, reason: 'hello timeout' });
  });

  it('heartbeat: a peer that stops answering pings is dropped within two intervals; a live one stays', async () => {
    const interval = 300;
    h = await startHost({ limits: { heartbeatIntervalMs: interval } });
    const dead = new WebSocket(h.url, { autoPong: false });
    const opened = new Promise<number>((r) => dead.on('open', () => r(Date.now())));
    const closed = new Promise<number>((r) => dead.on('close', () => r(Date.now())));
    const live = await h.client('live');
    const closedAfter = (await closed) - (await opened);
    // Two intervals, plus room for timers that fire late on a loaded machine (CI runs many files at once).
    expect(closedAfter).toBeLessThanOrEqual(2 * interval + 400);
    await sleep(3 * interval);
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('timers: the longest delay Node keeps (2^31 − 1 ms) works; one ms more is refused up front, not run as 1 ms', async () => {
    // Node runs a longer timer after 1 ms: every connection would be dropped (heartbeat) or closed (hello) at once.
    for (const name of ['headersTimeoutMs', 'helloTimeoutMs', 'heartbeatIntervalMs', 'challengeTimeoutMs']) {
      expect(() => new HostServer({ limits: { [name]: 2 ** 31 } }), name).toThrow(
        new RegExp(`invalid host option limits.${name}: must be at most 2147483647 ms`),
      );
    }
    const longest = 2 ** 31 - 1;
    h = await startHost({
      limits: { helloTimeoutMs: longest, heartbeatIntervalMs: longest, headersTimeoutMs: longest },
    });
    const quiet = await TestClient.open(h.url); // says no hello: must not be closed for it
    const ann = await h.client('ann');
    await sleep(200);
    ann.send({ type: 'ping', ref: 'p', t: 1 });
    expect(await ann.next('pong')).toMatchObject({ ref: 'p' });
    expect(quiet.ws.readyState).toBe(WebSocket.OPEN);
    expect(ann.ws.readyState).toBe(WebSocket.OPEN);
    await quiet.close();
  });

  it('historyPageSize: welcome gives a value a history frame may use as its limit; past MAX_PAGE_SIZE is refused up front', async () => {
    expect(() => new HostServer({ limits: { historyPageSize: 501 } })).toThrow(
      /invalid host option limits.historyPageSize: must be at most 500/,
    );
    h = await startHost({ limits: { historyPageSize: 500 } });
    const ann = await h.joined('general', 'ann');
    const limit = ann.all('welcome')[0]!.limits.historyPageSize;
    expect(limit).toBe(500);
    ann.send({ type: 'history', ref: 'h', room: 'general', limit });
    expect(await ann.next('history')).toMatchObject({ ref: 'h', messages: [], more: false });
  });

  it('slow consumer: a member that stops reading is dropped at maxBufferedBytes; the others get everything', async () => {
    h = await startHost({
      limits: {
        maxBufferedBytes: 256 * 1024,
        ...UNTHROTTLED,
      },
    });
    const writer = await h.joined('general', 'writer');
    const reader = await h.joined('general', 'reader');
    const stalled = await h.joined('general', 'stalled');
    stalled.ws.pause(); // stop reading: the kernel buffers fill, then the host's queue grows
    const text = 'y'.repeat(7900);
    const total = 1500; // ~12 MB of broadcast, far past socket buffers plus the cap
    try {
      // Paced by the healthy reader, so only the stalled member's queue can grow past the cap.
      for (let i = 1; i <= total; i++) {
        writer.send({ type: 'send', room: 'general', id: `m${i}`, text });
        if (i % 20 === 0) await reader.next('message', (m) => m.seq === i, 10_000);
      }
      const gone = reader.all('presence').find((p) => p.event === 'leave' && p.member.nick === 'stalled');
      expect(gone).toBeTruthy();
      expect(reader.all('message')).toHaveLength(total);
      expect(
        writer
          .all('presence')
          .filter((p) => p.event === 'leave')
          .map((p) => p.member.nick),
      ).toEqual(['stalled']);
    } finally {
      stalled.ws.resume();
    }
    expect((await stalled.closed).code).toBe(1006);
  }, 40_000);
});

describe('connection caps by address group, and room for newcomers when crowded', () => {
  const from = (url: string, localAddress: string) => TestClient.open(url, { localAddress });

  it('counts each IPv4 address on its own, and keeps the last places for addresses with few connections', async () => {
    h = await startHost({
      limits: {
        maxConnections: 10,
        maxConnectionsPerAddress: 4,
        crowdedConnections: 6,
        maxConnectionsPerAddressCrowded: 1,
      },
    });
    const opened: TestClient[] = [];
    for (let i = 0; i < 4; i++) opened.push(await from(h.url, '127.0.0.2'));
    await expect(from(h.url, '127.0.0.2')).rejects.toThrow('HTTP 429'); // per-address cap
    opened.push(await from(h.url, '127.0.0.3'), await from(h.url, '127.0.0.3')); // 6: crowded now
    await expect(from(h.url, '127.0.0.3')).rejects.toThrow('HTTP 429'); // holds 2 > 1
    opened.push(await from(h.url, '127.0.0.4')); // a newcomer still gets in
    await expect(from(h.url, '127.0.0.4')).rejects.toThrow('HTTP 429');
    opened.push(await from(h.url, '127.0.0.5'));
    expect(h.host.connectionCount).toBe(8);
    await Promise.all(opened.map((c) => c.close()));
    await expect.poll(() => h.host.connectionCount).toBe(0);
    // Counts are released by group: the first address may connect again.
    const again = await from(h.url, '127.0.0.2');
    await again.close();
  });
});

describe('clients that do not read', () => {
  it('heartbeat: a client that sends pongs but reads nothing is dropped', async () => {
    // Long enough that the writer (this busy test process) always reads within one interval.
    const interval = 1000;
    h = await startHost({
      limits: {
        heartbeatIntervalMs: interval,
        maxBufferedBytes: 64 * 1024 * 1024,
        ...UNTHROTTLED,
      },
    });
    const writer = await h.joined('general', 'writer');
    const deaf = await h.joined('general', 'deaf');
    const socket = (deaf.ws as unknown as { _socket: Socket })._socket;
    socket.pause(); // reads nothing from now on...
    const pongs = setInterval(() => deaf.ws.pong(), interval / 4); // ...but says it is alive
    try {
      const text = 'z'.repeat(7900);
      // Enough to fill the kernel's buffers, so bytes wait in the host.
      // In slices, so this process keeps reading for the writer (a writer that read nothing for a
      // heartbeat would be dropped too, rightly).
      for (let i = 1; i <= 2000; i++) {
        writer.send({ type: 'send', room: 'general', id: `m${i}`, text });
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      await writer.next('presence', (p) => p.event === 'leave' && p.member.nick === 'deaf', 15_000);
    } finally {
      clearInterval(pongs);
      socket.resume(); // so its side of the closed connection ends too
    }
  }, 30_000);

  it('host-wide queue cap: the biggest queues are dropped once all queues together pass maxHostBufferedBytes', async () => {
    h = await startHost({
      limits: {
        maxHostBufferedBytes: 1024 * 1024,
        maxBufferedBytes: 64 * 1024 * 1024,
        ...UNTHROTTLED,
      },
    });
    const writer = await h.joined('general', 'writer');
    const reader = await h.joined('general', 'reader');
    const stalled = await h.joined('general', 'stalled');
    stalled.ws.pause();
    const text = 'q'.repeat(7900);
    try {
      for (let i = 1; i <= 3000; i++) {
        writer.send({ type: 'send', room: 'general', id: `m${i}`, text });
        if (i % 20 === 0) await reader.next('message', (m) => m.seq === i, 10_000);
        if (writer.all('presence').some((p) => p.event === 'leave')) break;
      }
      const left = writer
        .all('presence')
        .filter((p) => p.event === 'leave')
        .map((p) => p.member.nick);
      expect(left).toEqual(['stalled']);
    } finally {
      stalled.ws.resume();
    }
    expect((await stalled.closed).code).toBe(1006);
  }, 40_000);
});

describe('history pages fit the slow-consumer cap', () => {
  it('a room of full-length CJK messages can still be paged: pages stop at maxPageBytes with more', async () => {
    h = await startHost({
      limits: {
        maxPageBytes: 100_000,
        ...UNTHROTTLED,
      },
    });
    const writer = await h.joined('general', 'writer');
    for (let i = 1; i <= 20; i++) writer.send({ type: 'send', room: 'general', id: `m${i}`, text: '字'.repeat(8000) });
    await writer.next('ack', (a) => a.seq === 20);
    const reader = await h.joined('general', 'reader');
    const seen: number[] = [];
    let before: number | undefined;
    for (let page = 0; page < 20; page++) {
      reader.send({ type: 'history', ref: `p${page}`, room: 'general', ...(before ? { before } : {}), limit: 500 });
      const got = await reader.next('history', (f) => f.ref === `p${page}`);
      expect(got.messages.length).toBeGreaterThan(0);
      expect(got.messages.length).toBeLessThanOrEqual(4); // 4 × 24 KB ≤ 100 KB
      seen.unshift(...got.messages.map((m) => m.seq));
      before = got.messages[0]!.seq;
      if (!got.more) break;
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe('cheap frames that cost others', () => {
  it('nick: a rename in many rooms costs a frame token per room', async () => {
    h = await startHost({ clock: () => 5000, limits: { ratePerSecond: 1, rateBurst: 8 } }, ['a', 'b', 'c', 'd']);
    const c = await h.client('ann'); // hello: 1 token
    for (const room of ['a', 'b', 'c', 'd']) c.send({ type: 'join', room }); // 4 tokens
    for (let i = 0; i < 4; i++) await c.next('joined');
    c.send({ type: 'nick', ref: 'n1', nick: 'Ann2' }); // 1 + 3 more: 1 token left short
    expect(await c.next('error')).toMatchObject({ code: 'rate_limited', ref: 'n1' });
  });

  it('a second join for a room whose password challenge is open is refused at once', async () => {
    h = await startHost({ limits: { scramIterations: 4096 } }, []);
    await h.host.createRoom('vault', { password: 'sesame' });
    const c = await h.client('ann');
    const first = new ScramClient('vault', 'wrong');
    sendAuthJoin(c, 'vault', first.clientFirst, 'j1');
    const challenge = await c.next('challenge');
    expect((await scramJoin(c, 'vault', 'sesame', 'j2')).reply).toMatchObject({ code: 'auth_backoff' });
    c.send({ type: 'auth-proof', ref: 'j1', room: 'vault', clientFinal: await first.answer(challenge.serverFirst) });
    expect(await c.next('error', (e) => e.ref === 'j1')).toMatchObject({ code: 'wrong_password' });
  });
});
