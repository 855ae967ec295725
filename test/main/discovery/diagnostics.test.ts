import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkReach,
  checkRoute,
  mdnsQuery,
  summarize,
  type BroadcastCheck,
  type MulticastCheck,
  type ReachCheck,
  type RouteCheck,
} from '../../../src/main/discovery/diagnostics.ts';
import { startHost } from '../../helpers/host.ts';

const multicast = (over: Partial<MulticastCheck> = {}): MulticastCheck => ({
  check: 'multicast',
  interface: 'wlan0',
  address: '192.168.1.30',
  listenedMs: 3000,
  packets: 0,
  responders: [],
  tincanResponders: [],
  status: 'fail',
  summary: 'Nothing was heard over multicast on wlan0 (192.168.1.30) within 3 s.',
  advice: ['The network may filter multicast.'],
  ...over,
});

const broadcast = (hosts: BroadcastCheck['hosts']): BroadcastCheck => ({
  check: 'broadcast',
  port: 47470,
  listenedMs: 4500,
  hosts,
  invalid: 0,
  status: hosts.length > 0 ? 'ok' : 'fail',
  summary: hosts.length > 0 ? 'The broadcast fallback hears 1 Tincan host(s).' : 'No beacon.',
  advice: [],
});

const lanbox = { id: 'abcd1234', name: 'lanbox', from: '192.168.1.20', port: 4747, announcesMdns: true };

const reach = (status: ReachCheck['status'], advice: string[] = []): ReachCheck => ({
  check: 'reach',
  address: '192.168.1.20',
  port: 4747,
  tcp: status === 'ok' ? 'ok' : 'timeout',
  tcpMs: null,
  health: null,
  status,
  summary: status === 'ok' ? '192.168.1.20:4747 answers' : 'No answer from 192.168.1.20:4747 within 3000 ms.',
  advice,
});

describe('summarize', () => {
  it('explains a network that blocks multicast while the broadcast fallback works', () => {
    const d = summarize({ multicast: [multicast()], broadcast: broadcast([lanbox]) });
    expect(d.verdict).toBe('multicast-blocked');
    expect(d.headline).toBe(
      'Multicast (mDNS) is blocked on this network, but Tincan\u2019s broadcast fallback works: the hosts listed were found by broadcast, and you can join them.',
    );
    expect(d.findings).toContain('lanbox announces over mDNS too, yet nothing of it arrives here over multicast.');
    expect(d.advice[0]).toMatch(/^Nothing to do for Tincan/);
    expect(d.advice.join(' ')).toMatch(/multicast filtering/);
  });

  it('says the same when other devices answer over multicast but no Tincan host does', () => {
    const d = summarize({
      multicast: [multicast({ packets: 12, responders: ['192.168.1.7'], status: 'warn' })],
      broadcast: broadcast([lanbox]),
    });
    expect(d.verdict).toBe('multicast-blocked');
  });

  it('is content when hosts answer over mDNS', () => {
    const heard = multicast({
      packets: 3,
      responders: ['192.168.1.20'],
      tincanResponders: ['192.168.1.20'],
      status: 'ok',
    });
    expect(summarize({ multicast: [heard], broadcast: broadcast([lanbox]) })).toMatchObject({
      verdict: 'ok',
      advice: [],
    });
    expect(summarize({ multicast: [heard], broadcast: broadcast([]) }).verdict).toBe('broadcast-blocked');
  });

  it('points at isolation and firewalls when nothing at all is heard, and at typing the address', () => {
    const d = summarize({ multicast: [multicast()], broadcast: broadcast([]) });
    expect(d.verdict).toBe('no-host-heard');
    expect(d.headline).toBe('No Tincan host is heard, neither over multicast nor by broadcast.');
    expect(d.advice.join('\n')).toMatch(/guest network/);
    expect(d.advice.join('\n')).toMatch(/firewall allows Tincan \(UDP 5353/);
    expect(d.advice.at(-1)).toMatch(/typing the host\u2019s address/);
    const withOthers = summarize({
      multicast: [multicast({ packets: 4, responders: ['192.168.1.7'] })],
      broadcast: broadcast([]),
    });
    expect(withOthers.headline).toMatch(/^Multicast works here \(other devices answer\), but no Tincan host is heard/);
  });

  it('says when a host is heard but cannot be reached, with the reach advice', () => {
    const d = summarize({
      multicast: [multicast()],
      broadcast: broadcast([lanbox]),
      reach: [reach('fail', ['Firewall!'])],
    });
    expect(d.verdict).toBe('unreachable');
    expect(d.headline).toBe('The host is heard, but connecting to it fails.');
    expect(d.advice).toContain('Firewall!');
  });

  it('passes on route advice (a VPN capturing LAN traffic)', () => {
    const route: RouteCheck = {
      check: 'route',
      address: '192.168.1.20',
      sourceAddress: '10.8.0.2',
      interface: 'tun0',
      kind: 'vpn',
      status: 'warn',
      summary: 'To reach 192.168.1.20, this machine would use tun0 (10.8.0.2).',
      advice: ['Disconnect the VPN.'],
    };
    const d = summarize({ route: [route], reach: [reach('fail')] });
    expect(d.verdict).toBe('unreachable');
    expect(d.advice).toContain('Disconnect the VPN.');
    expect(summarize({}).verdict).toBe('incomplete');
  });
});

describe('checks against loopback', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('mdnsQuery asks for _tincan._tcp.local and every service type', () => {
    const q = mdnsQuery();
    expect(q.readUInt16BE(4)).toBe(2); // two questions
    expect(q.includes(Buffer.from('\u0007_tincan\u0004_tcp\u0005local\u0000'))).toBe(true);
    expect(q.includes(Buffer.from('\u0009_services\u0007_dns-sd\u0004_udp\u0005local\u0000'))).toBe(true);
  });

  it('checkReach finds a Tincan host and reads its health', async () => {
    const h = await startHost({ hostName: 'loopbox' });
    cleanups.push(() => h.stop());
    const r = await checkReach('127.0.0.1', h.host.port);
    expect(r).toMatchObject({
      status: 'ok',
      tcp: 'ok',
      health: { httpStatus: 200, tincan: true, hostName: 'loopbox', hostId: h.host.identity.id, protocol: 1 },
    });
    expect(r.summary).toMatch(/^127\.0\.0\.1:\d+ answers: Tincan host "loopbox" \(protocol 1\)/);
  });

  it('checkReach tells a closed port and a foreign server apart', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await checkReach('127.0.0.1', port);
    expect(refused).toMatchObject({ status: 'fail', tcp: 'refused', health: null });
    expect(refused.summary).toBe(`127.0.0.1 is reachable, but nothing listens on port ${port}.`);

    const other = createHttpServer((_req, res) => res.end('<html>router</html>'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => other.close(r)));
    const foreign = await checkReach('127.0.0.1', (other.address() as AddressInfo).port);
    expect(foreign).toMatchObject({ status: 'warn', tcp: 'ok', health: { httpStatus: 200, tincan: false } });
    expect(foreign.summary).toMatch(/but it is not a Tincan host \(HTTP 200\)/);
  });

  it('checkRoute names the adapter the OS would use', async () => {
    const r = await checkRoute('127.0.0.1');
    expect(r).toMatchObject({ status: 'ok', sourceAddress: '127.0.0.1', interface: 'lo', kind: 'loopback' });
    expect(r.advice).toEqual(['That address is this computer itself.']);
    expect(await checkRoute('lanbox')).toMatchObject({ status: 'fail', error: 'not an IP address' });
  });
});
