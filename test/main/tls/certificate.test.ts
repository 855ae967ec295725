import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { get, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { HostServer } from '../../../src/main/host/index.ts';
import {
  createCertificate,
  fingerprintOf,
  loadOrCreateCertificate,
  readableFingerprint,
  TLS_FOLDER,
} from '../../../src/main/tls/index.ts';
import { runCli, spawnHost } from '../../helpers/host-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Trust exactly the certificate whose SHA-256 is `pin`, whatever name it carries (what pinning means). */
function pinned(pin: string, cert: string): ClientOptions & RequestOptions {
  // ws hands these TLS options to Node's https.request, whose checkServerIdentity this is.
  return {
    ca: cert,
    checkServerIdentity: (_host: string, peer: PeerCertificate) =>
      peer.fingerprint256.replaceAll(':', '').toLowerCase() === pin ? undefined : new Error('certificate pin mismatch'),
  } as unknown as ClientOptions & RequestOptions;
}

describe('host certificates', () => {
  it('are EC P-256, self-signed for the host name, created once and kept (0600) in the data folder', async () => {
    const data = join(dir, 'keep');
    const first = await loadOrCreateCertificate(data, 'lanbox');
    const again = await loadOrCreateCertificate(data, 'lanbox');
    expect(again).toEqual(first);
    const x509 = new X509Certificate(first.cert);
    expect(x509.subject).toBe('CN=lanbox');
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.verify(x509.publicKey)).toBe(true); // signed with its own key
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(data, TLS_FOLDER, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(readableFingerprint(first.fingerprint).split(' ')).toHaveLength(16);
  });

  it('differ between hosts', async () => {
    const a = await createCertificate('a');
    const b = await createCertificate('a');
    expect(fingerprintOf(a.cert)).not.toBe(fingerprintOf(b.cert));
  });
});

describe('the host over TLS', () => {
  it('speaks wss and https on its one port; the right pin connects, another certificate is refused', async () => {
    const { key, cert, fingerprint } = await loadOrCreateCertificate(join(dir, 'served'), 'lanbox');
    const host = new HostServer({ port: 0, bind: '127.0.0.1', tls: { key, cert } });
    await host.createRoom('general');
    await host.listen();
    try {
      expect(host.fingerprint).toBe(fingerprint);
      const url = `wss://127.0.0.1:${host.port}/ws`;
      const ws = new WebSocket(url, pinned(fingerprint, cert));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.send(
        JSON.stringify({ type: 'hello', protocol: 1, client: { name: 't' }, deviceId: 'device-tls-0001', nick: 'ann' }),
      );
      const welcome = await new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
      expect(JSON.parse(welcome)).toMatchObject({ type: 'welcome' });
      ws.close();

      const other = await createCertificate('lanbox');
      const refused = new WebSocket(url, pinned(fingerprintOf(other.cert), other.cert));
      await expect(
        new Promise((resolve, reject) => {
          refused.once('open', resolve);
          refused.once('error', reject);
        }),
      ).rejects.toThrow();

      const health = await new Promise<Record<string, unknown>>((resolve, reject) =>
        get(`https://127.0.0.1:${host.port}/health`, pinned(fingerprint, cert), (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
        }).on('error', reject),
      );
      expect(health).toMatchObject({ status: 'ok', tls: { fingerprint } });
    } finally {
      await host.close();
    }
  });

  it('headless: --tls-only prints https URLs, --tls http ones for browsers; the fingerprint and id stay after a restart', async () => {
    const data = join(dir, 'cli');
    let ids: string[] = [];
    const read = async (flag: string) => {
      const host = await spawnHost(['--port', '0', '--data', data, flag]);
      try {
        expect(host.stdout()).toMatch(
          flag === '--tls-only' ? /https:\/\/127\.0\.0\.1:\d+\// : /http:\/\/127\.0\.0\.1:\d+\//,
        );
        const line = /TLS: on .*\n {2}([0-9a-f ]{79})\n/;
        await expect.poll(() => line.test(host.stdout()), { timeout: 5000 }).toBe(true);
        ids = [...ids, /Host id ([a-z2-7]{26}) /.exec(host.stdout())?.[1] ?? ''];
        return line.exec(host.stdout())?.[1];
      } finally {
        host.child.kill('SIGTERM');
        await host.exited;
      }
    };
    const first = await read('--tls-only');
    expect(first).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(await read('--tls')).toBe(first);
    expect(ids[0]).toMatch(/^[a-z2-7]{26}$/);
    expect(ids[1]).toBe(ids[0]);
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/--tls/);
  });
});
