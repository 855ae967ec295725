import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { HostServer } from '../../../../src/main/host/host-server.ts';
import { HostClient } from '../../../../src/renderer/src/lib/net/host-client.svelte.ts';
import { PROTOCOL_VERSION, TINCAN_SUBPROTOCOL } from '../../../../src/shared/protocol/index.ts';
import { TestClient } from '../../../helpers/test-client.ts';
import { leaks, WsTap } from '../../../helpers/ws-tap.ts';
import { memoryStorage, until } from '../../helpers/memory-storage.ts';

const PASSWORD = 'hunter2-密码-unique';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function lockedHost(): Promise<HostServer> {
  const server = new HostServer({ port: 0, bind: '127.0.0.1' }); // the default SCRAM cost
  await server.createRoom('vault', { password: PASSWORD });
  await server.listen();
  cleanups.push(() => server.close());
  return server;
}

function clientVia(port: number, storage = memoryStorage()): HostClient {
  const c = new HostClient({
    address: { hostname: '127.0.0.1', port },
    identity: () => ({ deviceId: 'device-ann-000', nick: 'ann' }),
    storage,
    reconnect: { baseMs: 50, maxMs: 200, jitter: 0 },
    pingIntervalMs: 100,
  });
  cleanups.push(() => c.disconnect());
  return c;
}

async function tapOf(port: number): Promise<WsTap> {
  const tap = await WsTap.open(port);
  cleanups.push(() => tap.close());
  return tap;
}

describe('no password bytes on the wire', () => {
  it('the scanner sees a password a client sends in clear, through the mask (so it can fail)', async () => {
    const server = await lockedHost();
    const tap = await tapOf(server.port);
    const c = await TestClient.greeted(`ws://127.0.0.1:${tap.port}/ws`);
    cleanups.push(() => c.close().then(() => undefined));
    c.send({ type: 'join', room: 'vault', password: PASSWORD });
    expect(await c.next('error')).toMatchObject({ code: 'password_in_clear' });
    expect(leaks(Buffer.concat(tap.clientBytes), PASSWORD)).toEqual([]); // masked: raw bytes hide it
    expect(leaks(tap.clientTexts().join('\n'), PASSWORD)).toContain(PASSWORD); // unmasked: there it is
  });

  it('the web client joins by SCRAM, rejoins after a cut with its ticket, and never sends the password', async () => {
    const server = await lockedHost();
    const tap = await tapOf(server.port);
    const storage = memoryStorage();
    const ann = clientVia(tap.port, storage);
    const room = ann.join('vault', PASSWORD);
    await until(() => room.joined, 'SCRAM join', 10_000);
    expect(room.password).toBeUndefined(); // forgotten once the host answered
    expect(room.ticket).toMatch(/^t1\./);
    const ticket = room.ticket!;
    ann.send('vault', 'first');
    await until(() => ann.outgoing('vault').length === 0, 'first message acked');

    tap.cut();
    await until(() => !room.joined, 'cut');
    await until(() => room.joined, 'rejoin', 10_000);
    const joins = tap
      .clientTexts()
      .map((t) => JSON.parse(t) as Record<string, unknown>)
      .filter((f) => f.type === 'join');
    expect(joins).toHaveLength(2);
    expect(joins[0]).toMatchObject({ auth: { mechanism: 'SCRAM-SHA-256' } });
    expect(joins[1]).toMatchObject({ ticket }); // the reconnect did nothing with the password
    expect(joins[1]).not.toHaveProperty('auth');
    expect(tap.clientTexts().filter((t) => t.includes('"auth-proof"'))).toHaveLength(1);

    const everything = [
      Buffer.concat(tap.clientBytes),
      Buffer.concat(tap.hostBytes),
      Buffer.from(tap.clientTexts().join('\n')),
      Buffer.from(
        ann
          .frames()
          .map((f) => f.text)
          .join('\n'),
      ),
      Buffer.from([...storage.data.values()].join('\n')),
    ];
    for (const bytes of everything) expect(leaks(bytes, PASSWORD)).toEqual([]);
    expect([...storage.data.values()].join('\n')).not.toContain(ticket); // tickets live in memory only
  });

  it('asks for the password again when the ticket is refused after the password changed', async () => {
    const server = await lockedHost();
    const tap = await tapOf(server.port);
    const ann = clientVia(tap.port);
    const room = ann.join('vault', PASSWORD);
    await until(() => room.joined, 'SCRAM join', 10_000);
    await server.createRoom('vault', { password: 'battery staple' });
    tap.cut();
    await until(() => room.joinError === 'password_required', 'ticket refused', 10_000);
    expect(room.ticket).toBeUndefined();
    await new Promise((r) => setTimeout(r, 600)); // a refused ticket counts as a wrong try: past its 500 ms
    ann.join('vault', PASSWORD);
    await until(() => room.joinError === 'wrong_password', 'old password refused', 10_000);
    await new Promise((r) => setTimeout(r, 1100)); // past the second backoff (1 s)
    ann.join('vault', 'battery staple');
    await until(() => room.joined, 'new password', 10_000);
    expect(leaks(tap.clientTexts().join('\n'), 'battery staple')).toEqual([]);
  });
});

describe('a host that does not know the room’s verifier', () => {
  it('is not trusted when it admits a proof without the ServerSignature only the verifier gives', async () => {
    // A rogue host: it speaks the protocol, challenges, and lets anyone in with a made-up signature.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => TINCAN_SUBPROTOCOL });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const received: Record<string, unknown>[] = [];
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown> & { auth?: { clientFirst: string } };
        received.push(frame);
        const limits = {
          maxFrameBytes: 65536,
          ratePerSecond: 20,
          rateBurst: 40,
          historyPageSize: 100,
          heartbeatIntervalMs: 30000,
        };
        if (frame.type === 'hello')
          ws.send(
            JSON.stringify({
              type: 'welcome',
              protocol: PROTOCOL_VERSION,
              host: { id: 'rogue', name: 'rogue' },
              member: 'm1',
              device: 'd1',
              limits,
              rooms: [],
              time: 1,
            }),
          );
        if (frame.type === 'join') {
          const nonce = /r=([^,]+)$/.exec(frame.auth!.clientFirst)![1]!;
          ws.send(
            JSON.stringify({
              type: 'challenge',
              ref: frame.ref,
              room: 'vault',
              mechanism: 'SCRAM-SHA-256',
              serverFirst: `r=${nonce}rogue,s=c2FsdHNhbHRzYWx0c2FsdA==,i=4096`,
            }),
          );
        }
        if (frame.type === 'auth-proof')
          ws.send(
            JSON.stringify({
              type: 'joined',
              ref: frame.ref,
              room: 'vault',
              head: 0,
              members: [],
              serverFinal: `v=${Buffer.alloc(32, 1).toString('base64')}`,
              ticket: 't1.zz.x',
            }),
          );
      }),
    );
    await new Promise((r) => wss.once('listening', r));
    const ann = clientVia((wss.address() as { port: number }).port);
    const room = ann.join('vault', PASSWORD);
    await until(() => room.joinError === 'host_unverified', 'unverified host', 10_000);
    expect(room.joined).toBe(false);
    expect(room.ticket).toBeUndefined();
    expect(room.password).toBeUndefined();
    await until(() => received.some((f) => f.type === 'leave'), 'leave');
    expect(leaks(JSON.stringify(received), PASSWORD)).toEqual([]);
  });
});
