import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type HostFrameOf } from '../../../../src/shared/protocol/index.ts';
import { startHost } from '../../../helpers/host.ts';
import { scramJoin } from '../../../helpers/scram-join.ts';
import { TestClient } from '../../../helpers/test-client.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

/** A greeted client whose connection comes from `localAddress` (any 127/8 address reaches loopback). */
async function clientFrom(localAddress: string, nick: string): Promise<TestClient> {
  const c = await TestClient.open(h.url, { localAddress });
  c.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: { name: 't' }, deviceId: `device-${nick}-00`, nick });
  await c.next('welcome');
  return c;
}

async function joinReply(c: TestClient, password: string, ref: string) {
  return (await scramJoin(c, 'vault', password, ref)).reply as HostFrameOf<'joined'> | HostFrameOf<'error'>;
}

const codeOf = (f: HostFrameOf<'joined'> | HostFrameOf<'error'>) => (f.type === 'joined' ? 'joined' : f.code);

describe('password guessing is counted when it starts', () => {
  it('one address racing many guesses gets one checked; the rest are auth_backoff without a check', async () => {
    h = await startHost({ limits: { maxConnectionsPerAddress: 64, scramIterations: 4096 } }, []);
    await h.host.createRoom('vault', { password: 'correct horse' });
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => clientFrom('127.0.0.2', `g${i}`)));
    const replies = await Promise.all(clients.map((c, i) => joinReply(c, `guess ${i}`, `j${i}`)));
    const codes = replies.map(codeOf);
    expect(codes.filter((c) => c === 'wrong_password')).toHaveLength(1);
    expect(codes.filter((c) => c === 'auth_backoff')).toHaveLength(19);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('many addresses share the room budget after a first wrong try, while a newcomer with the password gets in at once', async () => {
    h = await startHost({ limits: { passwordBackoffBaseMs: 1, passwordBackoffMaxMs: 1, scramIterations: 4096 } }, []);
    await h.host.createRoom('vault', { password: 'correct horse' });
    const attackers = await Promise.all(Array.from({ length: 20 }, (_, i) => clientFrom(`127.0.1.${i + 1}`, `a${i}`)));
    const first = await Promise.all(attackers.map((c, i) => joinReply(c, `guess ${i}`, `first${i}`)));
    expect(first.map(codeOf).every((c) => c === 'wrong_password')).toBe(true); // first tries are free
    await new Promise((r) => setTimeout(r, 5));
    const second = await Promise.all(attackers.map((c, i) => joinReply(c, `again ${i}`, `second${i}`)));
    const checked = second.map(codeOf).filter((c) => c === 'wrong_password').length;
    expect(checked).toBeLessThanOrEqual(11); // the room's burst of 10, plus at most one refilled
    expect(second.map(codeOf).filter((c) => c === 'auth_backoff').length).toBeGreaterThanOrEqual(9);

    const member = await clientFrom('127.0.2.1', 'member');
    const started = Date.now();
    expect(codeOf(await joinReply(member, 'correct horse', 'm'))).toBe('joined');
    expect(Date.now() - started).toBeLessThan(1000);
    await Promise.all([...attackers, member].map((c) => c.close()));
  });
});
