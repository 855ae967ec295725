import { get as httpGet } from 'node:http';
import { get as httpsGet, type RequestOptions } from 'node:https';
import { connect } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { HostServer } from '../../../src/main/host/index.ts';
import { testIdentity } from '../../helpers/identity.ts';

const identity = await testIdentity('lanbox');
const hosts: HostServer[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function start(tls: { alsoPlain?: boolean } | null, limits = {}): Promise<HostServer> {
  const host = new HostServer({
    bind: '127.0.0.1',
    certificate: { key: identity.key, cert: identity.cert },
    ...(tls ? { tls: { key: identity.key, cert: identity.cert, ...tls } } : {}),
    limits,
  });
  hosts.push(host);
  await host.createRoom('general');
  return host.listen();
}

/** Accept exactly the pinned certificate (what the desktop app's session does). */
const pinned = {
  ca: identity.cert,
  checkServerIdentity: (_host: string, peer: PeerCertificate) =>
    peer.fingerprint256.replaceAll(':', '').toLowerCase() === identity.fingerprint ? undefined : new Error('pin'),
} as unknown as ClientOptions & RequestOptions;

function health(url: string): Promise<Record<string, unknown>> {
  const get = url.startsWith('https') ? httpsGet : httpGet;
  return new Promise((resolve, reject) =>
    get(url, url.startsWith('https') ? pinned : {}, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
    }).on('error', reject),
  );
}

function welcome(url: string, options: ClientOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('error', reject);
    ws.once('open', () =>
      ws.send(
        JSON.stringify({ type: 'hello', protocol: 1, client: { name: 't' }, deviceId: 'device-tls-0001', nick: 'ann' }),
      ),
    );
    ws.once('message', (data) => {
      ws.close();
      resolve(JSON.parse(String(data)));
    });
  });
}

describe('the host port shared by TLS and plain HTTP (alsoPlain)', () => {
  it('answers https and wss (pinned) and plain http and ws on the same port', async () => {
    const host = await start({ alsoPlain: true });
    const port = host.port;
    expect(await health(`https://127.0.0.1:${port}/health`)).toMatchObject({
      tls: { fingerprint: identity.fingerprint },
    });
    expect(await health(`http://127.0.0.1:${port}/health`)).toMatchObject({ status: 'ok', host: { id: identity.id } });
    expect(await welcome(`wss://127.0.0.1:${port}/ws`, pinned)).toMatchObject({ type: 'welcome' });
    expect(await welcome(`ws://127.0.0.1:${port}/ws`)).toMatchObject({ type: 'welcome' });
  });

  it('closes a connection that says nothing within the headers timeout, and still closes cleanly with clients on', async () => {
    const host = await start({ alsoPlain: true }, { headersTimeoutMs: 300 });
    const silent = connect(host.port, '127.0.0.1');
    const closedAt = await new Promise<number>((resolve) => silent.once('close', () => resolve(Date.now())));
    expect(closedAt).toBeGreaterThan(0);
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await host.close();
    expect(await closed).toBe(1001);
  });

  it('without alsoPlain speaks only TLS, and without tls only plain HTTP', async () => {
    const only = await start({});
    await expect(health(`http://127.0.0.1:${only.port}/health`)).rejects.toThrow();
    const plain = await start(null);
    await expect(health(`https://127.0.0.1:${plain.port}/health`)).rejects.toThrow();
    expect(await health(`http://127.0.0.1:${plain.port}/health`)).not.toHaveProperty('tls');
  });
});
