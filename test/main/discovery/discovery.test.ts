import { afterEach, describe, expect, it } from 'vitest';
import type { Advert } from '../../../src/main/discovery/advert.ts';
import { Discovery, type DiscoveryChange } from '../../../src/main/discovery/discovery.ts';
import type { DiscoverySource, Sighting, SourceReport, Via } from '../../../src/main/discovery/source.ts';

class FakeSource implements DiscoverySource {
  readonly via: Via;
  report: SourceReport | undefined;
  stopped = false;
  constructor(via: Via) {
    this.via = via;
  }
  async start(report: SourceReport) {
    this.report = report;
  }
  async stop() {
    this.stopped = true;
  }
}

const FINGERPRINT = 'ab'.repeat(32);
const advert = (over: Partial<Advert> = {}): Advert => ({
  id: 'host0001',
  // Discovery takes what its sources checked: the key and fingerprint are only carried here.
  key: 'k'.repeat(122),
  fingerprint: FINGERPRINT,
  tls: true,
  name: 'lanbox',
  port: 4747,
  protocol: 1,
  rooms: ['general'],
  roomsTruncated: false,
  ...over,
});

const sighting = (via: Via, over: Partial<Sighting> = {}): Sighting => ({
  via,
  advert: advert(),
  addresses: ['10.0.0.2'],
  ttlMs: 6000,
  interface: 'eth0',
  // Beacons are signed (the listener checked it); mDNS answers are not.
  verified: via === 'broadcast',
  ...over,
});

let discovery: Discovery | undefined;
afterEach(async () => {
  await discovery?.stop();
  discovery = undefined;
});

async function setup(options: { ignoreIds?: string[]; maxHosts?: number } = {}) {
  let now = 1_000;
  const mdns = new FakeSource('mdns');
  const broadcast = new FakeSource('broadcast');
  const warnings: string[] = [];
  discovery = new Discovery({
    sources: [mdns, broadcast],
    clock: () => now,
    sweepIntervalMs: 60_000, // tests sweep by hand
    logger: { info() {}, warn: (m) => warnings.push(m), error() {} },
    ...options,
  });
  const changes: DiscoveryChange[] = [];
  discovery.on('change', (c) => changes.push(c));
  await discovery.start();
  return {
    d: discovery,
    mdns: mdns.report!,
    broadcast: broadcast.report!,
    sources: [mdns, broadcast],
    changes,
    warnings,
    advance: (ms: number) => (now += ms),
  };
}

const ids = (list: { id: string }[]) => list.map((h) => h.id);

describe('Discovery', () => {
  it('merges what mDNS and the beacon hear of one host', async () => {
    const { d, mdns, broadcast, changes, advance } = await setup();
    mdns.seen(sighting('mdns', { addresses: ['10.0.0.2', 'fd00::2'] }));
    expect(ids(changes[0]!.added)).toEqual(['host0001']);
    advance(100);
    broadcast.seen(sighting('broadcast', { addresses: ['10.0.0.2', '192.168.5.2'], mdns: true, interface: 'wlan0' }));
    expect(changes).toHaveLength(2);
    expect(ids(changes[1]!.updated)).toEqual(['host0001']);
    expect(d.hosts()).toEqual([
      {
        id: 'host0001',
        fingerprint: FINGERPRINT,
        tls: true,
        verified: true,
        name: 'lanbox',
        // The signed beacon's addresses: mDNS answers are not signed.
        addresses: ['10.0.0.2', '192.168.5.2'],
        port: 4747,
        rooms: ['general'],
        roomsTruncated: false,
        protocol: 1,
        via: ['mdns', 'broadcast'],
        interfaces: ['eth0', 'wlan0'],
        announcesMdns: true,
        lastSeen: 1_100,
      },
    ]);
  });

  it('takes the certificate from the signed beacon over the unsigned mDNS answer, and shows a claimed id', async () => {
    const { d, mdns, broadcast, advance } = await setup();
    const other = 'cd'.repeat(32);
    mdns.seen(sighting('mdns', { advert: advert({ fingerprint: other }) }));
    expect(d.host('host0001')).toMatchObject({ fingerprint: other, verified: false });
    advance(10);
    broadcast.seen(sighting('broadcast'));
    advance(10);
    mdns.seen(sighting('mdns', { advert: advert({ fingerprint: other }) })); // heard later, still outranked
    expect(d.host('host0001')).toMatchObject({ fingerprint: FINGERPRINT, verified: true });
    broadcast.seen(
      sighting('broadcast', { advert: advert({ id: 'rogue001', claimedId: 'host0001' }), verified: false }),
    );
    expect(d.host('rogue001')).toMatchObject({ claimedId: 'host0001', verified: false });
    expect(d.host('host0001')).not.toHaveProperty('claimedId');
  });

  it('emits nothing when a host is merely heard again, but updates lastSeen', async () => {
    const { d, broadcast, changes, advance } = await setup();
    broadcast.seen(sighting('broadcast'));
    advance(2000);
    broadcast.seen(sighting('broadcast'));
    expect(changes).toHaveLength(1);
    expect(d.host('host0001')?.lastSeen).toBe(3_000);
  });

  it('reports changed rooms and names from the latest hearing', async () => {
    const { d, mdns, broadcast, changes, advance } = await setup();
    mdns.seen(sighting('mdns'));
    advance(10);
    broadcast.seen(sighting('broadcast', { advert: advert({ rooms: ['general', 'ops'], name: 'lanbox-2' }) }));
    expect(changes.at(-1)!.updated[0]).toMatchObject({ rooms: ['general', 'ops'], name: 'lanbox-2' });
    expect(d.hosts()).toHaveLength(1);
  });

  it('drops a source on its goodbye, and the host when no source is left', async () => {
    const { d, mdns, broadcast, changes } = await setup();
    mdns.seen(sighting('mdns'));
    broadcast.seen(sighting('broadcast'));
    mdns.gone({ via: 'mdns', id: 'host0001' });
    expect(d.host('host0001')?.via).toEqual(['broadcast']);
    broadcast.gone({ via: 'broadcast', id: 'host0001' });
    expect(d.hosts()).toEqual([]);
    expect(ids(changes.at(-1)!.removed)).toEqual(['host0001']);
    broadcast.gone({ via: 'broadcast', id: 'host0001' }); // a repeated goodbye changes nothing
    expect(changes).toHaveLength(4);
  });

  it('keeps a host heard on two adapters steady, and drops both hearings on one goodbye', async () => {
    const { d, mdns, changes } = await setup();
    const onEth = sighting('mdns', { addresses: ['10.0.0.2'], interface: 'eth0' });
    const onWifi = sighting('mdns', { addresses: ['192.168.5.2'], interface: 'wlan0' });
    mdns.seen(onEth);
    mdns.seen(onWifi);
    const settled = changes.length;
    for (let i = 0; i < 3; i++) {
      mdns.seen(onWifi);
      mdns.seen(onEth);
    }
    expect(changes).toHaveLength(settled); // no flapping between the two
    expect(d.host('host0001')).toMatchObject({
      via: ['mdns'],
      interfaces: ['eth0', 'wlan0'],
      addresses: ['10.0.0.2', '192.168.5.2'],
    });
    mdns.gone({ via: 'mdns', id: 'host0001' });
    expect(d.hosts()).toEqual([]);
  });

  it('forgets a host nobody has heard for its TTL', async () => {
    const { d, mdns, broadcast, changes, advance } = await setup();
    broadcast.seen(sighting('broadcast', { ttlMs: 6000 }));
    mdns.seen(sighting('mdns', { ttlMs: 15_000 }));
    advance(5999);
    d.sweep();
    expect(d.host('host0001')?.via).toEqual(['mdns', 'broadcast']);
    advance(1);
    d.sweep();
    expect(d.host('host0001')?.via).toEqual(['mdns']);
    advance(9000);
    d.sweep();
    expect(d.hosts()).toEqual([]);
    expect(ids(changes.at(-1)!.removed)).toEqual(['host0001']);
  });

  it('lists several hosts by name and counts what each source heard', async () => {
    const { d, mdns, broadcast, advance } = await setup();
    broadcast.seen(sighting('broadcast', { advert: advert({ id: 'host0002', name: 'zulu' }) }));
    advance(5);
    mdns.seen(sighting('mdns', { advert: advert({ id: 'host0003', name: 'alpha' }) }));
    expect(d.hosts().map((h) => h.name)).toEqual(['alpha', 'zulu']);
    expect(d.heard()).toEqual({ mdns: { count: 1, last: 1_005 }, broadcast: { count: 1, last: 1_000 } });
  });

  it('leaves out ignored ids and caps how many hosts it tracks', async () => {
    const { d, broadcast, warnings } = await setup({ ignoreIds: ['self0001'], maxHosts: 2 });
    broadcast.seen(sighting('broadcast', { advert: advert({ id: 'self0001' }) }));
    for (const id of ['host0001', 'host0002', 'host0003'])
      broadcast.seen(sighting('broadcast', { advert: advert({ id }) }));
    expect(ids(d.hosts())).toEqual(['host0001', 'host0002']);
    expect(warnings).toEqual(['discovery: ignoring host host0003: already tracking 2 hosts']);
  });

  it('runs the other sources when one fails to start, and stops them all', async () => {
    const broken: DiscoverySource = {
      via: 'mdns',
      start: () => Promise.reject(new Error('EADDRINUSE')),
      stop: async () => {},
    };
    const ok = new FakeSource('broadcast');
    const warnings: string[] = [];
    discovery = new Discovery({
      sources: [broken, ok],
      logger: { info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    await discovery.start();
    expect(warnings).toEqual(['discovery via mdns is off: Error: EADDRINUSE']);
    ok.report!.seen(sighting('broadcast'));
    expect(discovery.hosts()).toHaveLength(1);
    await discovery.stop();
    expect(ok.stopped).toBe(true);
  });

  it('sweeps on its own timer', async () => {
    const mdns = new FakeSource('mdns');
    let now = 0;
    discovery = new Discovery({ sources: [mdns], clock: () => now, sweepIntervalMs: 10 });
    await discovery.start();
    mdns.report!.seen(sighting('mdns', { ttlMs: 50 }));
    now = 100;
    await new Promise((r) => setTimeout(r, 40));
    expect(discovery.hosts()).toEqual([]);
  });
});
