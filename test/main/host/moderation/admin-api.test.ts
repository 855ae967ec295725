import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, PROTOCOL_VERSION } from '../../../../src/shared/protocol/index.ts';
import { ADMIN_FAILURE_BURST } from '../../../../src/main/host/moderation/failed-auth-limiter.ts';
import { MAX_ADMIN_BODY_BYTES } from '../../../../src/main/host/moderation/admin-api.ts';
import { startHost } from '../../../helpers/host.ts';
import { TestClient } from '../../../helpers/test-client.ts';

const SECRET = 'test-admin-secret-0123456789abcdef';
type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** An HTTP request from a chosen loopback address (its own failure count), as curl would send it. */
async function call(
  path: string,
  {
    secret,
    body,
    method,
    from = '127.0.0.1',
    type = 'application/json',
  }: {
    secret?: string;
    body?: unknown;
    method?: string;
    from?: string;
    type?: string;
  } = {},
) {
  const { request } = await import('node:http');
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    json: unknown;
    text: string;
  }>((resolve, reject) => {
    const req = request(
      `${h!.http}${path}`,
      {
        method: method ?? (payload === undefined ? 'GET' : 'POST'),
        localAddress: from,
        headers: {
          ...(secret === undefined ? {} : { Authorization: `Bearer ${secret}` }),
          ...(payload === undefined ? {} : { 'Content-Type': type }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function member(nick: string) {
  const c = await h!.client(nick);
  c.send({ type: 'join', room: 'general' });
  await c.next('joined');
  return c;
}

describe('admin API', () => {
  it('gives a caller without the secret, or with a wrong one, 401 and nothing else', async () => {
    h = await startHost({ adminSecret: SECRET });
    await member('ann');
    for (const secret of [undefined, 'wrong', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const r = await call('/admin/api/view', { ...(secret === undefined ? {} : { secret }) });
      expect(r.status, String(secret)).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer realm="tincan-admin"');
      expect(r.json).toEqual({ error: 'the admin secret is missing or wrong (send Authorization: Bearer <secret>)' });
      expect(r.text).not.toContain('ann');
    }
    const kick = await call('/admin/api/kick', { body: { member: 'x' }, secret: 'wrong' });
    expect(kick.status).toBe(401);
    // A secret in the URL is not accepted.
    expect((await call(`/admin/api/view?secret=${SECRET}`)).status).toBe(401);
  });

  it('with the right secret: the view, and actions that act (a kick closes with 4003)', async () => {
    h = await startHost({ adminSecret: SECRET });
    const ann = await member('ann');
    const view = await call('/admin/api/view', { secret: SECRET });
    expect(view.status).toBe(200);
    const { connections } = view.json as { connections: { member: string; nick: string }[] };
    expect(connections.map((c) => c.nick)).toEqual(['ann']);
    // The view says whom it answered, so the page can warn before the operator bans their own address.
    expect((view.json as { viewer: string }).viewer).toBe('127.0.0.1');
    const fromElsewhere = await call('/admin/api/view', { secret: SECRET, from: '127.0.4.2' });
    expect((fromElsewhere.json as { viewer: string }).viewer).toBe('127.0.4.2');
    const kicked = await call('/admin/api/kick', {
      secret: SECRET,
      body: { member: connections[0]!.member, reason: 'bye' },
    });
    expect(kicked.status).toBe(200);
    expect(kicked.json).toEqual({ closed: 1, recorded: [{ room: 'general', seq: 1 }] });
    expect(await ann.closed).toEqual({ code: CLOSE_CODES.kicked, reason: 'kicked: bye' });

    const banned = await call('/admin/api/ban', {
      secret: SECRET,
      body: { range: '127.0.1.0/24', durationMs: 60_000 },
    });
    expect(banned.status).toBe(200);
    const id = (banned.json as { ban: { id: number } }).ban.id;
    await expect(TestClient.open(h.url, { localAddress: '127.0.1.3' })).rejects.toThrow('HTTP 403');
    expect((await call('/admin/api/unban', { secret: SECRET, body: { id } })).status).toBe(200);
    expect((await call('/admin/api/unban', { secret: SECRET, body: { id } })).json).toEqual({
      error: `no ban ${id} is in force`,
    });

    const muted = await call('/admin/api/mute', {
      secret: SECRET,
      body: { room: 'general', device: 'a1b2c3d4e5f60718' },
    });
    expect(muted.status).toBe(200);
    expect(
      (await call('/admin/api/unmute', { secret: SECRET, body: { room: 'general', device: 'a1b2c3d4e5f60718' } }))
        .status,
    ).toBe(200);
  });

  it('posts announcements with the secret (stored in the room), and refuses a bad one', async () => {
    h = await startHost({ adminSecret: SECRET, hostName: 'lanbox' });
    const ann = await member('ann');
    const body = { text: 'Maintenance at 5', level: 'warning', room: 'general' };
    expect((await call('/admin/api/announce', { body })).status).toBe(401);
    const posted = await call('/admin/api/announce', { secret: SECRET, body });
    expect(posted.json).toEqual({ announced: [{ room: 'general', seq: 1 }] });
    expect(await ann.next('message')).toMatchObject({
      kind: 'announcement',
      text: 'Maintenance at 5',
      from: { nick: 'lanbox', source: 'operator' },
    });
    expect((await call('/admin/api/announce', { secret: SECRET, body: { ...body, room: 'nowhere' } })).status).toBe(
      404,
    );
    expect((await call('/admin/api/announce', { secret: SECRET, body: { ...body, level: 'shout' } })).status).toBe(400);
    expect((await call('/admin/api/announce', { secret: SECRET, body: { ...body, text: ' ' } })).status).toBe(400);
  });

  it('answers bad requests with a status and the reason, changing nothing', async () => {
    h = await startHost({ adminSecret: SECRET });
    const s = { secret: SECRET };
    expect((await call('/admin/api/kick', { ...s, body: { member: 'nobody' } })).status).toBe(404);
    const bad = await call('/admin/api/ban', { ...s, body: { device: 'a1b2c3d4e5f60718', range: '10.0.0.1' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'name exactly one of member, device and range' });
    expect((await call('/admin/api/ban', { ...s, body: { range: '10.0.0.1', extra: 1 } })).status).toBe(400);
    expect((await call('/admin/api/ban', { ...s, body: '{not json' })).status).toBe(400);
    expect((await call('/admin/api/ban', { ...s, body: { range: '10.0.0.1' }, type: 'text/plain' })).status).toBe(415);
    const big = { range: '10.0.0.1', reason: 'x'.repeat(MAX_ADMIN_BODY_BYTES) };
    expect((await call('/admin/api/ban', { ...s, body: big })).status).toBe(413);
    const edge = JSON.stringify({ range: '10.0.0.1', reason: 'y'.repeat(150) }).padEnd(MAX_ADMIN_BODY_BYTES, ' ');
    expect((await call('/admin/api/ban', { ...s, body: edge })).status).toBe(200); // exactly the limit
    expect((await call('/admin/api/view', { ...s, method: 'POST', body: {} })).status).toBe(405);
    expect((await call('/admin/api/kick', s)).status).toBe(405);
    expect((await call('/admin/api/nothing', s)).status).toBe(404);
    expect((await call('/admin/api/__proto__', { ...s, body: {} })).status).toBe(404);
    expect(h.host.moderation.view().bans).toHaveLength(1);
  });

  it('takes only device tags as this host makes them: anything else is 400, nothing stored, nothing told to members', async () => {
    h = await startHost({ adminSecret: SECRET });
    const ann = await member('ann');
    const s = { secret: SECRET };
    for (const device of ['x\ny', 'a\u202eb', '\ud800', '__proto__', 'host', 'A1B2C3D4E5F60718', 'a1b2c3d4e5f6071']) {
      for (const [path, body] of [
        ['/admin/api/ban', { device }],
        ['/admin/api/mute', { room: 'general', device }],
        ['/admin/api/unmute', { room: 'general', device }],
      ] as const) {
        const answer = await call(path, { ...s, body });
        expect(answer.status, `${path} ${JSON.stringify(device)}`).toBe(400);
        expect(answer.json).toEqual({ error: 'device: must be a device tag: 16 lowercase hex digits' });
      }
    }
    expect(h.host.moderation.view()).toMatchObject({ bans: [], mutes: [] });
    // The edge: 16 lowercase hex digits is a tag, banned and recorded.
    const ok = await call('/admin/api/ban', { ...s, body: { device: 'a1b2c3d4e5f60718' } });
    expect(ok.status).toBe(200);
    expect(await ann.next('message')).toMatchObject({
      kind: 'moderation',
      body: { action: 'ban', target: { scope: 'device', device: 'a1b2c3d4e5f60718' } },
    });
    expect(ann.all('message')).toHaveLength(1);
  });

  it('limits failed secrets per address: 429 past the burst, even for the right secret; other addresses are not held', async () => {
    h = await startHost({ adminSecret: SECRET });
    for (let i = 0; i < ADMIN_FAILURE_BURST; i++) {
      expect((await call('/admin/api/view', { secret: `guess${i}`, from: '127.0.4.1' })).status).toBe(401);
    }
    const over = await call('/admin/api/view', { secret: 'guess-more', from: '127.0.4.1' });
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call('/admin/api/view', { secret: SECRET, from: '127.0.4.1' })).status).toBe(429);
    expect((await call('/admin/api/view', { secret: SECRET, from: '127.0.4.2' })).status).toBe(200);
  });

  it('is off without a secret: 404 for everyone, and members are not affected', async () => {
    h = await startHost();
    expect((await call('/admin/api/view', { secret: SECRET })).status).toBe(404);
    const ann = await TestClient.open(h.url);
    ann.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      client: { name: 't' },
      deviceId: 'device-ann-0',
      nick: 'ann',
    });
    await ann.next('welcome');
    await ann.close();
  });

  it('refuses a non-local Host header with 421 before looking at the secret', async () => {
    h = await startHost({ adminSecret: SECRET });
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h!.http}/admin/api/view`, {
        headers: { Host: 'evil.example.com', Authorization: `Bearer ${SECRET}` },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});
