import { get } from 'node:https';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { HostServer } from '../../../src/main/host/host-server.ts';
import { runCli, spawnHost } from '../../helpers/host-process.ts';
import { scramJoin } from '../../helpers/scram-join.ts';
import { TestClient } from '../../helpers/test-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tincan-host CLI', () => {
  it('prints usage for --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: tincan-host/);
  });

  it.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--room', ' bad'], /room name " bad" must not start or end with spaces/],
    [['--password-file', 'noequals'], /--password-file wants NAME=FILE/],
    [['--durability', 'sometimes'], /--durability must be full or normal/],
    [['--limit', 'maxWidgets=3'], /--limit wants NAME=VALUE/],
    [['--limit', 'ratePerSecond=-1'], /ratePerSecond must be a positive number/],
    [['--limit', 'historyPageSize=10.5'], /historyPageSize must be a positive whole number/],
    [['--allow-origin', 'evil'], /--allow-origin wants an origin/],
    [['stray'], /Unexpected argument 'stray'/],
  ])('refuses %j with a one-line reason and the usage, no stack trace', async (args, reason) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(reason);
    expect(stderr).toMatch(/Usage: tincan-host/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names a room whose password is from before SCRAM until --password-file gives it again', async () => {
    const data = join(dir, 'legacy');
    const first = new HostServer({ port: 0, bind: '127.0.0.1', dataDir: data, limits: { scramIterations: 4096 } });
    await first.createRoom('vault', { password: 'sesame' });
    await first.close();
    const db = new DatabaseSync(join(data, 'tincan.db'));
    db.prepare("UPDATE rooms SET scram_verifier = NULL, password_hash = 'scrypt$16384$8$1$c2FsdA==$a2V5'").run();
    db.close();
    const pw = join(dir, 'legacy.pw');
    writeFileSync(pw, 'sesame\n');
    for (const args of [[], ['--password-file', `vault=${pw}`]]) {
      const host = await spawnHost(['--port', '0', '--data', data, ...args]);
      host.child.kill('SIGTERM');
      await host.exited;
      const warned = /Room vault is locked by a password from an older version/.test(host.stderr());
      expect(warned, host.stderr()).toBe(args.length === 0);
    }
  });

  it('reports an unreadable password file and a busy port in one line', async () => {
    const missing = await runCli(['--port', '0', '--data', dir, '--password-file', `vault=${join(dir, 'nope.txt')}`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^tincan-host: cannot read password file .*ENOENT$/);
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    const taken = await runCli(['--port', String(port), '--bind', '127.0.0.1', '--data', dir]);
    busy.close();
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim()).toBe(`tincan-host: port ${port} is already in use; pick another with --port`);
  });

  it('prints both the http:// and the https:// URL with --tls, and the https:// one answers', async () => {
    const host = await spawnHost(['--port', '0', '--bind', '127.0.0.1', '--data', join(dir, 'tls'), '--tls']);
    try {
      const https = `https://127.0.0.1:${host.port}/`;
      expect(host.stdout()).toContain(`  http://127.0.0.1:${host.port}/  ${https}`);
      const status = await new Promise<number | undefined>((resolve, reject) => {
        // The host's certificate is self-signed: this checks where the URL leads, not whom to trust.
        get(`${https}health`, { rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject);
      });
      expect(status).toBe(200);
    } finally {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'serves rooms, prints its URLs, and exits 0 on %s after closing clients with 1001',
    async (signal) => {
      const pw = join(dir, 'pw.txt');
      writeFileSync(pw, 'sesame\n');
      const host = await spawnHost([
        '--port',
        '0',
        '--data',
        join(dir, signal),
        '--room',
        'lobby',
        '--password-file',
        `vault=${pw}`,
        '--name',
        'cli-box',
      ]);
      expect(host.stdout()).toMatch(/Tincan host "cli-box"/);
      expect(host.stdout()).toMatch(/Rooms: lobby, vault \(password\)/);
      expect(host.stdout()).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${host.port}/`));
      const c = await TestClient.greeted(`ws://127.0.0.1:${host.port}/ws`);
      expect((await scramJoin(c, 'vault', 'sesame')).reply.type).toBe('joined');
      host.child.kill(signal);
      expect((await c.closed).code).toBe(1001);
      expect(await host.exited).toEqual({ code: 0, signal: null });
      expect(host.stdout()).toMatch(new RegExp(`${signal}: closing`));
    },
  );
});
