import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost } from '../../helpers/host.ts';
import { scramJoin } from '../../helpers/scram-join.ts';
import { TestClient } from '../../helpers/test-client.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

describe('HostServer: who may connect', () => {
  it('refuses cross-site pages (Origin) with 403 and allows same-origin, listed and origin-less clients', async () => {
    h = await startHost({ allowedOrigins: ['app://tincan'] });
    await expect(TestClient.open(h.url, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(TestClient.open(h.url, { origin: 'null' })).rejects.toThrow('HTTP 403');
    for (const origin of [`http://127.0.0.1:${h.host.port}`, 'app://tincan', undefined]) {
      const c = await TestClient.open(h.url, origin ? { origin } : {});
      await c.close();
    }
  });

  it('refuses DNS-rebinding Host names on WebSocket and HTTP, serves local names', async () => {
    h = await startHost({ hostName: 'lanbox', allowedHosts: ['chat.home.arpa'] });
    await expect(TestClient.open(h.url, { headers: { host: 'attacker.example' } })).rejects.toThrow('HTTP 421');
    const status = await new Promise<number>((resolve) =>
      request(
        { port: h.host.port, host: '127.0.0.1', path: '/api/rooms', headers: { host: 'attacker.example' } },
        (r) => {
          r.resume();
          resolve(r.statusCode!);
        },
      ).end(),
    );
    expect(status).toBe(421);
    for (const host of [
      'localhost',
      'lanbox',
      'lanbox.local',
      'chat.home.arpa',
      `[::1]:${h.host.port}`,
      `10.0.0.7:${h.host.port}`,
    ]) {
      const c = await TestClient.open(h.url, { headers: { host } });
      await c.close();
    }
  });

  it('answers 404 off /ws and refuses a plain GET on /ws with 426', async () => {
    h = await startHost();
    await expect(TestClient.open(`ws://127.0.0.1:${h.host.port}/other`)).rejects.toThrow('HTTP 404');
    expect((await fetch(`${h.http}/ws`)).status).toBe(426);
  });
});

describe('HostServer: room passwords', () => {
  it('needs the password, backs off after wrong ones, and lets the right one in', async () => {
    let now = 10_000;
    h = await startHost(
      {
        clock: () => now,
        limits: { passwordBackoffBaseMs: 1000, passwordBackoffMaxMs: 4000, ratePerSecond: 1e6, rateBurst: 1e6 },
      },
      [],
    );
    await h.host.createRoom('vault', { password: 'correct horse' });
    const c = await h.client();
    c.send({ type: 'join', room: 'vault', ref: 'a' });
    expect(await c.next('error')).toMatchObject({ code: 'password_required', ref: 'a', room: 'vault' });
    const tryPassword = async (password: string, ref = 'x') => (await scramJoin(c, 'vault', password, ref)).reply;
    expect(await tryPassword('nope')).toMatchObject({ code: 'wrong_password', retryAfterMs: 1000 });
    expect(await tryPassword('correct horse')).toMatchObject({ code: 'auth_backoff', retryAfterMs: 1000 });
    now += 1000;
    expect(await tryPassword('nope again')).toMatchObject({ code: 'wrong_password', retryAfterMs: 2000 });
    now += 1999;
    expect(await tryPassword('correct horse')).toMatchObject({ code: 'auth_backoff', retryAfterMs: 1 });
    now += 1;
    expect(await tryPassword('correct horse', 'ok')).toMatchObject({ type: 'joined', room: 'vault', ref: 'ok' });
    // Success resets the backoff; a wrong try starts again at the base.
    const d = await h.client('d');
    expect((await scramJoin(d, 'vault', 'x')).reply).toMatchObject({ code: 'wrong_password', retryAfterMs: 1000 });
  });

  it('stores only a salted SCRAM verifier, never the password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-pw-'));
    try {
      h = await startHost({ dataDir: dir }, []);
      await h.host.createRoom('vault', { password: 'p4ssw0rd-unique' });
      await h.host.createRoom('vault2', { password: 'p4ssw0rd-unique' });
      await h.stop();
      const db = new DatabaseSync(join(dir, 'tincan.db'));
      const rows = db.prepare('SELECT password_hash, scram_verifier FROM rooms ORDER BY name').all() as {
        password_hash: string | null;
        scram_verifier: string;
      }[];
      db.close();
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.password_hash).toBeNull();
        // The default cost: 600,000 PBKDF2 iterations, a 16-byte salt, 32-byte keys.
        expect(row.scram_verifier).toMatch(
          /^SCRAM-SHA-256\$600000:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
        );
        expect(row.scram_verifier).not.toContain('p4ssw0rd');
      }
      expect(rows[0]!.scram_verifier).not.toBe(rows[1]!.scram_verifier);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('can remove a password', async () => {
    h = await startHost({}, []);
    await h.host.createRoom('vault', { password: 'pw' });
    expect((await h.host.createRoom('vault', { password: null })).locked).toBe(false);
    const c = await h.client();
    c.send({ type: 'join', room: 'vault' });
    await c.next('joined');
  });
});
