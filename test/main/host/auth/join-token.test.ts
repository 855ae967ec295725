import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_JOIN_TOKEN_TTL_MS,
  issueJoinToken,
  joinTokenSecret,
  verifyJoinToken,
} from '../../../../src/main/host/auth/join-token.ts';
import { HostServer } from '../../../../src/main/host/host-server.ts';
import { decodeClientFrame } from '../../../../src/shared/protocol/index.ts';
import { startHost } from '../../../helpers/host.ts';
import { TestClient } from '../../../helpers/test-client.ts';

const secret = Buffer.alloc(32, 7);
const HASH = 'scrypt$16384$8$1$c2FsdA==$a2V5';

/** Flip one character of the MAC part. */
function tamper(token: string): string {
  const i = token.length - 5;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

describe('join tokens', () => {
  const token = issueJoinToken(secret, 'ops', 2_000, HASH);

  it('keep their exact format, so tokens in invites already sent still work after an upgrade', () => {
    expect(issueJoinToken(secret, 'ops', 2000, 'H')).toBe('1.1jk.RNVCf190O76zlyRP094vJOo_RCPEpUh7ATwQ3TqmpvE');
  });

  it('look like 1.<expiry>.<mac> and verify for their room until they expire', () => {
    expect(token).toMatch(/^1\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(decodeClientFrame(JSON.stringify({ type: 'join', room: 'ops', token })).ok).toBe(true);
    expect(verifyJoinToken(secret, 'ops', token, HASH, 1_999)).toBe('ok');
    expect(verifyJoinToken(secret, 'ops', token, HASH, 2_000)).toBe('expired');
  });

  it.each([
    ['another room', () => verifyJoinToken(secret, 'ops2', token, HASH, 0)],
    ['another host secret', () => verifyJoinToken(Buffer.alloc(32, 8), 'ops', token, HASH, 0)],
    ['a changed password', () => verifyJoinToken(secret, 'ops', token, `${HASH}x`, 0)],
    ['a tampered MAC', () => verifyJoinToken(secret, 'ops', tamper(token), HASH, 0)],
    ['a moved expiry', () => verifyJoinToken(secret, 'ops', token.replace(/^1\.[0-9a-z]+/, '1.zzzzzz'), HASH, 0)],
    ['another version', () => verifyJoinToken(secret, 'ops', `2${token.slice(1)}`, HASH, 0)],
    ['garbage', () => verifyJoinToken(secret, 'ops', 'hello', HASH, 0)],
    ['a short MAC', () => verifyJoinToken(secret, 'ops', token.slice(0, -2), HASH, 0)],
  ])('are invalid for %s', (_what, check) => {
    expect(check()).toBe('invalid');
  });

  it('use a per-host secret kept in the store', () => {
    const meta = new Map<string, string>();
    const store = {
      isJoinTokenRevoked: () => false,
      meta: (key: string, create: () => string) => {
        if (!meta.has(key)) meta.set(key, create());
        return meta.get(key)!;
      },
    };
    const first = joinTokenSecret(store);
    expect(first).toHaveLength(32);
    expect(joinTokenSecret(store).equals(first)).toBe(true);
  });
});

describe('joining a password room with an invite token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tincan-token-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  async function setup(dataDir?: string) {
    let now = 1_000_000;
    const h = await startHost({ clock: () => now, ...(dataDir ? { dataDir } : {}) }, ['general']);
    stops.push(() => h.stop());
    await h.host.createRoom('vault', { password: 'sesame' });
    return { ...h, advance: (ms: number) => (now += ms) };
  }

  async function tryJoin(c: TestClient, frame: Record<string, unknown>) {
    const ref = `j${Math.random().toString(36).slice(2, 8)}`;
    c.send({ type: 'join', ref, room: 'vault', ...frame });
    const reply = () => c.frames.find((f) => (f.type === 'joined' || f.type === 'error') && f.ref === ref);
    for (let i = 0; i < 500 && !reply(); i++) await new Promise((r) => setTimeout(r, 10));
    return reply() ?? { type: 'timeout' };
  }

  it('issues tokens for locked rooms only, within bounds', async () => {
    const { host } = await setup();
    const issued = host.issueJoinToken('vault')!;
    expect(issued.expiresAt).toBe(1_000_000 + DEFAULT_JOIN_TOKEN_TTL_MS);
    expect(host.issueJoinToken('general')).toBeNull();
    expect(() => host.issueJoinToken('nope')).toThrow(/no room named "nope"/);
    expect(() => host.issueJoinToken('vault', 0)).toThrow(/ttlMs/);
    expect(() => host.issueJoinToken('vault', 31 * 24 * 3600 * 1000)).toThrow(/ttlMs/);
  });

  it('admits a valid token instead of the password', async () => {
    const { host, client } = await setup();
    const c = await client('ann');
    const reply = await tryJoin(c, { token: host.issueJoinToken('vault')!.token });
    expect(reply.type).toBe('joined');
  });

  it('takes a token alone: with a password in clear it is refused, with a ticket it is malformed', async () => {
    const { host, client } = await setup();
    const good = host.issueJoinToken('vault')!.token;
    expect(await tryJoin(await client('ann'), { token: good, password: 'sesame' })).toMatchObject({
      code: 'password_in_clear',
    });
    expect(await tryJoin(await client('bob'), { token: good, ticket: good })).toMatchObject({ code: 'invalid_frame' });
    expect((await tryJoin(await client('cy'), { token: good })).type).toBe('joined');
  });

  it('refuses a tampered token as a wrong password, with backoff', async () => {
    const { host, client } = await setup();
    const c = await client('ann');
    const reply = await tryJoin(c, { token: tamper(host.issueJoinToken('vault')!.token) });
    expect(reply).toMatchObject({ type: 'error', code: 'wrong_password', message: 'The join token is not valid.' });
    expect((reply as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
    const again = await tryJoin(c, { token: host.issueJoinToken('vault')!.token });
    expect(again).toMatchObject({ type: 'error', code: 'auth_backoff' });
  });

  it('refuses an expired token, saying so', async () => {
    const { host, client, advance } = await setup();
    const { token } = host.issueJoinToken('vault', 60_000)!;
    advance(60_000);
    const reply = await tryJoin(await client('ann'), { token });
    expect(reply).toMatchObject({
      type: 'error',
      code: 'wrong_password',
      message: 'The join token was valid until it expired.',
    });
  });

  it('refuses tokens issued before the room’s password changed', async () => {
    const { host, client } = await setup();
    const { token } = host.issueJoinToken('vault')!;
    await host.createRoom('vault', { password: 'new secret' });
    const reply = await tryJoin(await client('ann'), { token });
    expect(reply).toMatchObject({ type: 'error', code: 'wrong_password' });
  });

  it('still asks for a password when the join carries neither', async () => {
    const { client } = await setup();
    expect(await tryJoin(await client('ann'), {})).toMatchObject({ type: 'error', code: 'password_required' });
  });

  /** A host on `dataDir` again, listening, closed after the test; `prepare` runs before it listens. */
  async function reopened(dataDir: string, prepare: (host: HostServer) => Promise<unknown> = async () => {}) {
    const host = new HostServer({ port: 0, bind: '127.0.0.1', dataDir });
    await prepare(host);
    await host.listen();
    stops.push(() => host.close());
    return host;
  }

  /** A greeted client of `host`, closed before the host is. */
  async function clientOf(host: HostServer, nick = 'ann') {
    const c = await TestClient.greeted(`ws://127.0.0.1:${host.port}/ws`, nick);
    stops.unshift(() => c.close().then(() => undefined));
    return c;
  }

  it('keeps tokens valid across a host restart (the secret is stored)', async () => {
    const dataDir = join(dir, 'restart');
    const first = new HostServer({ port: 0, bind: '127.0.0.1', dataDir });
    await first.createRoom('vault', { password: 'sesame' });
    const { token } = first.issueJoinToken('vault')!;
    await first.close();
    const c = await clientOf(await reopened(dataDir));
    expect((await tryJoin(c, { token })).type).toBe('joined');
  });

  it('keeps tokens valid when a restart sets the same password again (the verifier is kept)', async () => {
    const dataDir = join(dir, 'same-password');
    const first = new HostServer({ port: 0, bind: '127.0.0.1', dataDir });
    await first.createRoom('vault', { password: 'sesame' });
    const { token } = first.issueJoinToken('vault')!;
    await first.close();
    // What the CLI does with --password-file on every start:
    const second = await reopened(dataDir, (host) => host.createRoom('vault', { password: 'sesame' }));
    expect((await tryJoin(await clientOf(second), { token })).type).toBe('joined');
  });

  it('revokes one token, by itself or by its invite link, and leaves the others working, across a restart', async () => {
    const dataDir = join(dir, 'revoke');
    const first = new HostServer({ port: 0, bind: '127.0.0.1', dataDir });
    await first.createRoom('vault', { password: 'sesame' });
    const leaked = first.issueJoinToken('vault')!.token;
    const kept = first.issueJoinToken('vault', 60_000)!.token;
    const other = first.issueJoinToken('vault', 120_000)!.token;
    expect(first.revokeJoinToken(leaked)).toMatchObject({ room: 'vault' });
    expect(first.revokeJoinToken(`http://10.0.0.2:4747/#/join?room=vault&token=${other}`).room).toBe('vault');
    expect(() => first.revokeJoinToken('1.zz.nope')).toThrow('not an invite token of this host');
    expect(() => first.revokeJoinToken(tamper(kept))).toThrow('not an invite token of this host');
    await first.close();
    const second = await reopened(dataDir);
    const c = await clientOf(second);
    // The kept one first: the revoked one counts as a wrong try, and backs this address off.
    expect((await tryJoin(c, { token: kept })).type).toBe('joined');
    const d = await clientOf(second, 'bo');
    expect(await tryJoin(d, { token: leaked })).toMatchObject({
      code: 'wrong_password',
      message: 'The join token was revoked.',
    });
  });
});
