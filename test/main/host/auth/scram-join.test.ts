import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HostServer } from '../../../../src/main/host/host-server.ts';
import { SCRAM_MECHANISM, ScramClient } from '../../../../src/shared/scram.ts';
import type { HostFrameOf } from '../../../../src/shared/protocol/index.ts';
import { startHost } from '../../../helpers/host.ts';
import { scramJoin, sendAuthJoin } from '../../../helpers/scram-join.ts';
import { TestClient } from '../../../helpers/test-client.ts';

const FAST = { scramIterations: 4096, ratePerSecond: 1000, rateBurst: 1000 };

describe('joining a password room by SCRAM-SHA-256', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tincan-scram-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  async function setup(limits: Record<string, number> = {}, options: { dataDir?: string } = {}) {
    let now = 1_000_000;
    const h = await startHost({ clock: () => now, limits: { ...FAST, ...limits }, ...options }, []);
    stops.push(() => h.stop());
    await h.host.createRoom('vault', { password: 'correct horse' });
    return { ...h, advance: (ms: number) => (now += ms) };
  }

  it('admits the right password, with the host’s signature and a ticket', async () => {
    const h = await setup();
    const c = await h.client('ann');
    const { reply, scram } = await scramJoin(c, 'vault', 'correct horse');
    expect(reply).toMatchObject({ type: 'joined', room: 'vault', ref: 'j' });
    const joined = reply as HostFrameOf<'joined'>;
    expect(scram.verifyServer(joined.serverFinal!)).toBe(true);
    expect(joined.ticket).toMatch(/^t1\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(joined.ticketExpiresAt).toBe(1_000_000 + 24 * 3600_000);
    // Members see a normal join.
    const bo = await h.client('bo');
    expect((await scramJoin(bo, 'vault', 'correct horse')).reply.type).toBe('joined');
    expect(await c.next('presence')).toMatchObject({ event: 'join', member: { nick: 'bo' } });
  });

  it('sends the challenge the RFC describes: the client nonce extended, the room’s salt and count', async () => {
    const h = await setup();
    const c = await h.client();
    const scram = new ScramClient('vault', 'x', 'clientNonce123');
    sendAuthJoin(c, 'vault', scram.clientFirst, 'a');
    const challenge = await c.next('challenge');
    expect(challenge).toMatchObject({ ref: 'a', room: 'vault', mechanism: 'SCRAM-SHA-256' });
    expect(challenge.serverFirst).toMatch(/^r=clientNonce123[A-Za-z0-9+/]{24},s=[A-Za-z0-9+/]{22}==,i=4096$/);
  });

  it('refuses a wrong password with the backoff, and counts it when the challenge goes out', async () => {
    const h = await setup({ passwordBackoffBaseMs: 1000, passwordBackoffMaxMs: 4000 });
    const c = await h.client();
    expect((await scramJoin(c, 'vault', 'nope', 'a')).reply).toMatchObject({
      type: 'error',
      code: 'wrong_password',
      retryAfterMs: 1000,
      room: 'vault',
    });
    // Within the wait, no challenge at all.
    expect((await scramJoin(c, 'vault', 'correct horse', 'b')).reply).toMatchObject({ code: 'auth_backoff' });
    h.advance(1000);
    expect((await scramJoin(c, 'vault', 'nope again', 'c')).reply).toMatchObject({ retryAfterMs: 2000 });
    h.advance(2000);
    expect((await scramJoin(c, 'vault', 'correct horse', 'd')).reply.type).toBe('joined');
  });

  it('allows one open challenge per address and room: a second connection waits', async () => {
    const h = await setup();
    const [a, b] = [await h.client('ann'), await h.client('bo')];
    const scram = new ScramClient('vault', 'correct horse');
    sendAuthJoin(a, 'vault', scram.clientFirst, 'a');
    const challenge = await a.next('challenge');
    expect((await scramJoin(b, 'vault', 'correct horse', 'b')).reply).toMatchObject({ code: 'auth_backoff' });
    a.send({ type: 'auth-proof', ref: 'a', room: 'vault', clientFinal: await scram.answer(challenge.serverFirst) });
    expect(await a.next('joined')).toMatchObject({ ref: 'a' });
    expect((await scramJoin(b, 'vault', 'correct horse', 'c')).reply.type).toBe('joined');
  });

  it('refuses a replayed proof: on the same connection, on another, and on a fresh challenge', async () => {
    const h = await setup({ passwordBackoffBaseMs: 1, passwordBackoffMaxMs: 1 });
    const c = await h.client('ann');
    const scram = new ScramClient('vault', 'correct horse');
    sendAuthJoin(c, 'vault', scram.clientFirst, 'a');
    const challenge = await c.next('challenge');
    const proof = {
      type: 'auth-proof',
      ref: 'p',
      room: 'vault',
      clientFinal: await scram.answer(challenge.serverFirst),
    };
    c.send(proof);
    expect(await c.next('joined')).toMatchObject({ ref: 'p' });
    // The challenge is used up.
    c.send({ ...proof, ref: 'again' });
    expect(await c.next('error')).toMatchObject({ code: 'no_challenge', ref: 'again' });
    // A listener replays it on its own connection: no challenge there.
    const eve = await h.client('eve', 'device-eve-0000');
    eve.send({ ...proof, ref: 'eve1' });
    expect(await eve.next('error')).toMatchObject({ code: 'no_challenge', ref: 'eve1' });
    // With the same client-first, eve gets a challenge with a new server nonce: the old proof fails.
    sendAuthJoin(eve, 'vault', scram.clientFirst, 'eve2');
    const fresh = await eve.next('challenge');
    expect(fresh.serverFirst).not.toBe(challenge.serverFirst);
    eve.send({ ...proof, ref: 'eve3' });
    expect(await eve.next('error')).toMatchObject({ code: 'wrong_password', ref: 'eve3' });
  });

  it('refuses a proof with another nonce or channel binding, and one for a password changed since the challenge', async () => {
    const h = await setup({ passwordBackoffBaseMs: 1, passwordBackoffMaxMs: 1 });
    const c = await h.client();
    const answer = async (ref: string, edit: (final: string) => string, between?: () => Promise<unknown>) => {
      h.advance(10); // past the last try's backoff
      const scram = new ScramClient('vault', 'correct horse');
      sendAuthJoin(c, 'vault', scram.clientFirst, ref);
      const challenge = await c.next('challenge', (f) => f.ref === ref);
      const final = await scram.answer(challenge.serverFirst);
      await between?.();
      c.send({ type: 'auth-proof', ref, room: 'vault', clientFinal: edit(final) });
      return c.nextWhere((f) => (f.type === 'error' || f.type === 'joined') && 'ref' in f && f.ref === ref);
    };
    expect(await answer('n', (f) => f.replace(/,r=[^,]+/, ',r=someoneElse'))).toMatchObject({ code: 'wrong_password' });
    expect(await answer('c', (f) => f.replace('c=biws', 'c=eSws'))).toMatchObject({ code: 'wrong_password' });
    const changed = await answer(
      'p',
      (f) => f,
      () => h.host.createRoom('vault', { password: 'battery staple' }),
    );
    expect(changed).toMatchObject({ code: 'wrong_password' });
    expect((await answer('ok', (f) => f)).type).toBe('error'); // the old password is no longer right
  });

  it('refuses a clear-text password, whatever the room, before checking anything', async () => {
    const h = await setup();
    await h.host.createRoom('open');
    const c = await h.client();
    c.send({ type: 'join', ref: 'a', room: 'vault', password: 'correct horse' });
    expect(await c.next('error')).toMatchObject({ code: 'password_in_clear', ref: 'a', room: 'vault' });
    c.send({ type: 'join', ref: 'b', room: 'open', password: 'anything' });
    expect(await c.next('error')).toMatchObject({ code: 'password_in_clear', ref: 'b' });
    // Not counted as a try: the right password gets in at once.
    expect((await scramJoin(c, 'vault', 'correct horse')).reply.type).toBe('joined');
  });

  it('checks the SCRAM messages: the room as user name, one credential, well-formed proofs', async () => {
    const h = await setup();
    const c = await h.client();
    const other = new ScramClient('general', 'correct horse');
    sendAuthJoin(c, 'vault', other.clientFirst, 'u');
    expect(await c.next('error')).toMatchObject({ code: 'invalid_frame', ref: 'u' });
    sendAuthJoin(c, 'vault', 'p=tls-unique,,n=vault,r=x', 'b');
    expect(await c.next('error')).toMatchObject({ code: 'invalid_frame', ref: 'b' });
    const ok = new ScramClient('vault', 'correct horse');
    c.send({
      type: 'join',
      ref: 't',
      room: 'vault',
      token: 'abc',
      auth: { mechanism: SCRAM_MECHANISM, clientFirst: ok.clientFirst },
    });
    expect(await c.next('error')).toMatchObject({ code: 'invalid_frame', ref: 't' });
    c.send({ type: 'auth-proof', ref: 'm', room: 'vault', clientFinal: 'c=biws,r=abc' });
    expect(await c.next('error')).toMatchObject({ code: 'invalid_frame', ref: 'm' });
    // Nothing was counted: the right password still joins.
    expect((await scramJoin(c, 'vault', 'correct horse')).reply.type).toBe('joined');
  });

  it('a challenge left unanswered times out as a wrong try', async () => {
    const h = await setup({ challengeTimeoutMs: 100, passwordBackoffBaseMs: 60_000, passwordBackoffMaxMs: 60_000 });
    const c = await h.client();
    const scram = new ScramClient('vault', 'correct horse');
    sendAuthJoin(c, 'vault', scram.clientFirst, 'a');
    const challenge = await c.next('challenge');
    await expect.poll(() => h.host.openChallenges, { timeout: 5000 }).toBe(0);
    c.send({ type: 'auth-proof', ref: 'late', room: 'vault', clientFinal: await scram.answer(challenge.serverFirst) });
    expect(await c.next('error')).toMatchObject({ code: 'no_challenge', ref: 'late' });
    expect((await scramJoin(c, 'vault', 'correct horse', 'b')).reply).toMatchObject({ code: 'auth_backoff' });
  });

  it('a connection that closes with a challenge open frees its place and counts the try', async () => {
    const h = await setup({ passwordBackoffBaseMs: 60_000, passwordBackoffMaxMs: 60_000 });
    const c = await h.client();
    sendAuthJoin(c, 'vault', new ScramClient('vault', 'x').clientFirst, 'a');
    await c.next('challenge');
    expect(h.host.openChallenges).toBe(1);
    await c.close();
    await expect.poll(() => h.host.openChallenges, { timeout: 5000 }).toBe(0);
    const d = await h.client('bo');
    expect((await scramJoin(d, 'vault', 'correct horse')).reply).toMatchObject({ code: 'auth_backoff' });
  });

  it('bounds open challenges per connection and per host', async () => {
    const h = await setup({ maxChallengesPerConnection: 2, maxChallenges: 3, challengeTimeoutMs: 60_000 });
    for (const room of ['r1', 'r2', 'r3', 'r4']) await h.host.createRoom(room, { password: 'pw' });
    const ask = (c: TestClient, room: string) => {
      sendAuthJoin(c, room, new ScramClient(room, 'pw').clientFirst, room);
      return c.nextWhere((f) => (f.type === 'challenge' || f.type === 'error') && 'ref' in f && f.ref === room);
    };
    const a = await h.client('ann');
    expect((await ask(a, 'r1')).type).toBe('challenge');
    expect((await ask(a, 'r2')).type).toBe('challenge');
    expect(await ask(a, 'r3')).toMatchObject({ code: 'too_many_challenges', retryAfterMs: 60_000 });
    const b = await h.client('bo');
    expect((await ask(b, 'r3')).type).toBe('challenge');
    expect(await ask(b, 'r4')).toMatchObject({ code: 'too_many_challenges' }); // the host's 3 are taken
    expect(h.host.openChallenges).toBe(3);
  });

  describe('session tickets', () => {
    async function ticketOf(c: TestClient, password = 'correct horse'): Promise<string> {
      const { reply } = await scramJoin(c, 'vault', password);
      expect(reply.type).toBe('joined');
      return (reply as HostFrameOf<'joined'>).ticket!;
    }

    const ticketJoin = async (c: TestClient, ticket: string, room = 'vault') => {
      c.send({ type: 'join', ref: 't', room, ticket });
      return c.nextWhere((f) => (f.type === 'joined' || f.type === 'error') && 'ref' in f && f.ref === 't');
    };

    it('let the same device rejoin after a reconnect without the password, until they expire', async () => {
      const h = await setup();
      const first = await h.client('ann', 'device-ann-0000');
      const ticket = await ticketOf(first);
      await first.close();
      const again = await h.client('ann', 'device-ann-0000');
      const joined = await ticketJoin(again, ticket);
      expect(joined).toMatchObject({ type: 'joined', room: 'vault' });
      // A ticket join is not renewed: no new ticket, no signature.
      expect((joined as HostFrameOf<'joined'>).ticket).toBeUndefined();
      h.advance(24 * 3600_000);
      const late = await h.client('ann', 'device-ann-0000');
      expect(await ticketJoin(late, ticket)).toMatchObject({
        code: 'ticket_refused',
        message: 'The session ticket expired; join with the password.',
      });
    });

    it('are refused for another device, another room, or after the password changes', async () => {
      const h = await setup({ passwordBackoffBaseMs: 1, passwordBackoffMaxMs: 1 });
      await h.host.createRoom('vault2', { password: 'correct horse' });
      const ticket = await ticketOf(await h.client('ann', 'device-ann-0000'));
      expect(await ticketJoin(await h.client('eve', 'device-eve-0000'), ticket)).toMatchObject({
        code: 'ticket_refused',
      });
      h.advance(10);
      expect(await ticketJoin(await h.client('ann', 'device-ann-0000'), ticket, 'vault2')).toMatchObject({
        code: 'ticket_refused',
      });
      h.advance(10);
      // Setting the same password again keeps the verifier, and the ticket with it.
      await h.host.createRoom('vault', { password: 'correct horse' });
      expect((await ticketJoin(await h.client('ann', 'device-ann-0000'), ticket)).type).toBe('joined');
      await h.host.createRoom('vault', { password: 'battery staple' });
      expect(await ticketJoin(await h.client('ann', 'device-ann-0000'), ticket)).toMatchObject({
        code: 'ticket_refused',
      });
    });

    it('are refused by another host, even one with the same data copied', async () => {
      const dataDir = join(dir, 'copy');
      const first = await setup({}, { dataDir });
      const ticket = await ticketOf(await first.client('ann', 'device-ann-0000'));
      const other = await setup();
      expect(await ticketJoin(await other.client('ann', 'device-ann-0000'), ticket)).toMatchObject({
        code: 'ticket_refused',
      });
    });

    it('count a bad ticket as a wrong try', async () => {
      const h = await setup({ passwordBackoffBaseMs: 60_000, passwordBackoffMaxMs: 60_000 });
      const c = await h.client();
      expect(await ticketJoin(c, `t1.zzzzzz.${'A'.repeat(43)}`)).toMatchObject({
        code: 'ticket_refused',
        retryAfterMs: 60_000,
      });
      expect((await scramJoin(c, 'vault', 'correct horse')).reply).toMatchObject({ code: 'auth_backoff' });
    });
  });

  describe('rooms from before SCRAM', () => {
    it('keep their lock; joins are told the operator must set the password again, which upgrades the room', async () => {
      const dataDir = join(dir, 'legacy');
      const before = new HostServer({ port: 0, bind: '127.0.0.1', dataDir, limits: FAST });
      await before.createRoom('vault', { password: 'old' });
      await before.close();
      // What an earlier version left: an scrypt hash, no verifier.
      const db = new DatabaseSync(join(dataDir, 'tincan.db'));
      db.prepare("UPDATE rooms SET scram_verifier = NULL, password_hash = 'scrypt$16384$8$1$c2FsdA==$a2V5'").run();
      db.close();
      const h = await startHost({ dataDir, limits: FAST }, []);
      stops.push(() => h.stop());
      expect(h.host.rooms().find((r) => r.name === 'vault')?.locked).toBe(true);
      expect(h.host.roomsAwaitingPassword()).toEqual(['vault']);
      const c = await h.client();
      expect((await scramJoin(c, 'vault', 'old')).reply).toMatchObject({ code: 'password_upgrade_required' });
      c.send({ type: 'join', ref: 'n', room: 'vault' });
      expect(await c.next('error')).toMatchObject({ code: 'password_required' });
      await h.host.createRoom('vault', { password: 'old' });
      expect(h.host.roomsAwaitingPassword()).toEqual([]);
      expect((await scramJoin(c, 'vault', 'old', 'k')).reply.type).toBe('joined');
      const check = new DatabaseSync(join(dataDir, 'tincan.db'));
      const row = check.prepare('SELECT password_hash, scram_verifier FROM rooms').get() as Record<string, unknown>;
      check.close();
      expect(row.password_hash).toBeNull();
      expect(row.scram_verifier).toMatch(/^SCRAM-SHA-256\$4096:/);
    });
  });
});
