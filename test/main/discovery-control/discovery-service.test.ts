import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DiscoveryService,
  toDiscoveredHostInfo,
  type DiscoveryServiceOptions,
} from '../../../src/main/discovery-control/discovery-service.ts';
import { encodeBeacon, type Advert } from '../../../src/main/discovery/advert.ts';
import {
  Discovery,
  type CreateDiscoveryOptions,
  type DiscoveredHost,
  type Sighting,
} from '../../../src/main/discovery/index.ts';
import { discoveredHost, type DiscoveredHost as DiscoveredHostInfo } from '../../../src/shared/ipc.ts';
import { advertFor, testIdentity } from '../../helpers/identity.ts';

const services: DiscoveryService[] = [];
const warnings: string[] = [];
const logger = { info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
  warnings.length = 0;
});

const FINGERPRINT = 'ab'.repeat(32);
const advert = (id: string, over: Partial<Advert> = {}): Advert => ({
  id,
  key: 'k'.repeat(122),
  fingerprint: FINGERPRINT,
  tls: false,
  name: `box-${id}`,
  port: 4747,
  protocol: 1,
  rooms: ['general'],
  roomsTruncated: false,
  ...over,
});

const sighting = (id: string, over: Partial<Advert> = {}): Sighting => ({
  via: 'broadcast',
  advert: advert(id, over),
  addresses: ['192.0.2.10'],
  ttlMs: 60_000,
  interface: 'eth0',
  mdns: true,
  verified: true,
});

/** A service over a real Discovery without network sources; the test feeds it hearings. */
function withFedDiscovery(options: Partial<DiscoveryServiceOptions> = {}) {
  let discovery: Discovery | undefined;
  const startOptions: CreateDiscoveryOptions[] = [];
  const service = new DiscoveryService({
    logger,
    clock: () => 1_700_000_000_000,
    start: async (o) => {
      startOptions.push(o);
      discovery = new Discovery({ sources: [], ...(o.ignoreIds ? { ignoreIds: o.ignoreIds } : {}), clock: o.clock! });
      await discovery.start();
      return discovery;
    },
    ...options,
  });
  services.push(service);
  const pushes: DiscoveredHostInfo[][] = [];
  service.onChange((hosts) => pushes.push(hosts));
  return { service, pushes, startOptions, see: (s: Sighting) => discovery!.see(s), feed: () => discovery! };
}

describe('toDiscoveredHostInfo', () => {
  const merged: DiscoveredHost = {
    id: 'host0001',
    name: 'lanbox',
    addresses: ['192.0.2.10', 'fd00::10'],
    port: 4747,
    rooms: ['general', 'ops'],
    roomsTruncated: false,
    protocol: 1,
    via: ['mdns', 'broadcast'],
    interfaces: ['eth0'],
    announcesMdns: true,
    lastSeen: 1_700_000_000_000,
    fingerprint: FINGERPRINT,
    tls: true,
    verified: true,
  };

  it('keeps the fields of the contract and drops the others', () => {
    const info = toDiscoveredHostInfo(merged);
    expect(info).toEqual({
      id: 'host0001',
      name: 'lanbox',
      addresses: ['192.0.2.10', 'fd00::10'],
      port: 4747,
      rooms: ['general', 'ops'],
      roomsTruncated: false,
      protocol: 1,
      via: ['mdns', 'broadcast'],
      lastSeen: 1_700_000_000_000,
      fingerprint: FINGERPRINT,
      tls: true,
      verified: true,
      pinned: false,
    });
    expect(discoveredHost.strict().safeParse(info).success).toBe(true);
    const posing = toDiscoveredHostInfo({ ...merged, verified: false, claimedId: 'other001' }, true);
    expect(posing).toMatchObject({ verified: false, claimedId: 'other001', pinned: true });
    expect(discoveredHost.strict().safeParse(posing).success).toBe(true);
  });

  it('clamps to the schema limits: names cut (never in a surrogate pair), lists capped, too-long entries dropped', () => {
    const info = toDiscoveredHostInfo({
      ...merged,
      name: `${'x'.repeat(63)}😀tail`,
      addresses: [`${'a'.repeat(65)}`, ...Array.from({ length: 20 }, (_, i) => `10.0.0.${i}`)],
      rooms: ['r'.repeat(65), ...Array.from({ length: 300 }, (_, i) => `room ${i}`)],
    })!;
    expect(info.name).toBe('x'.repeat(63));
    expect(info.addresses).toHaveLength(16);
    expect(info.addresses[0]).toBe('10.0.0.0');
    expect(info.rooms).toHaveLength(256);
    expect(info.rooms[0]).toBe('room 0');
    expect(info.roomsTruncated).toBe(true);
    expect(discoveredHost.safeParse(info).success).toBe(true);
  });

  it('says the rooms are truncated when a room had to be dropped', () => {
    expect(toDiscoveredHostInfo({ ...merged, rooms: ['ok', 'r'.repeat(65)] })).toMatchObject({
      rooms: ['ok'],
      roomsTruncated: true,
    });
  });

  it('leaves out a host that cannot be shown', () => {
    expect(toDiscoveredHostInfo({ ...merged, id: 'i'.repeat(65) })).toBeNull();
    expect(toDiscoveredHostInfo({ ...merged, port: 0 })).toBeNull();
  });
});

describe('DiscoveryService', () => {
  it('lists the hosts heard, in the contract shape, and pushes the first change at once', async () => {
    const { service, pushes, see, startOptions } = withFedDiscovery({ ignoreIds: ['mine0001'] });
    await service.start();
    expect(startOptions[0]).toMatchObject({ ignoreIds: ['mine0001'] });
    expect(service.hosts()).toEqual([]);
    see(sighting('host0001'));
    expect(pushes).toHaveLength(1);
    const expected = {
      id: 'host0001',
      name: 'box-host0001',
      addresses: ['192.0.2.10'],
      port: 4747,
      rooms: ['general'],
      roomsTruncated: false,
      protocol: 1,
      via: ['broadcast'],
      lastSeen: 1_700_000_000_000,
      fingerprint: FINGERPRINT,
      tls: false,
      verified: true,
      pinned: false,
    };
    expect(pushes[0]).toEqual([expected]);
    expect(service.hosts()).toEqual([expected]);
    see(sighting('mine0001'));
    expect(service.hosts().map((h) => h.id)).toEqual(['host0001']);
  });

  it('pushes at most once per interval, ending with the latest list', async () => {
    const { service, pushes, see } = withFedDiscovery({ pushIntervalMs: 100 });
    await service.start();
    for (let i = 0; i < 10; i++) see(sighting(`host000${i}`));
    expect(pushes).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(pushes).toHaveLength(1);
    await vi.waitFor(() => expect(pushes).toHaveLength(2), { timeout: 1000, interval: 10 });
    expect(pushes[1]!.map((h) => h.id)).toHaveLength(10);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(pushes).toHaveLength(2);
  });

  it('pushes a host that goes, and nothing when a host is merely heard again', async () => {
    const { service, pushes, see, feed } = withFedDiscovery({ pushIntervalMs: 0 });
    await service.start();
    see(sighting('host0001'));
    see(sighting('host0001'));
    expect(pushes).toHaveLength(1);
    feed().goodbye({ via: 'broadcast', id: 'host0001' });
    expect(pushes).toEqual([[expect.objectContaining({ id: 'host0001' })], []]);
  });

  it('leaves out the own host once its id is known, telling listeners', async () => {
    const { service, pushes, see } = withFedDiscovery({ pushIntervalMs: 0 });
    await service.start();
    see(sighting('host0001'));
    see(sighting('mine0001'));
    expect(service.hosts().map((h) => h.id)).toEqual(['host0001', 'mine0001']);
    service.ignore('mine0001');
    service.ignore('mine0001');
    expect(service.hosts().map((h) => h.id)).toEqual(['host0001']);
    expect(pushes.at(-1)!.map((h) => h.id)).toEqual(['host0001']);
    expect(pushes).toHaveLength(3);
  });

  it('stays empty, without failing, when browsing cannot start', async () => {
    const service = new DiscoveryService({
      logger,
      start: async () => {
        throw new Error('EADDRINUSE 0.0.0.0:47470');
      },
    });
    services.push(service);
    await expect(service.start()).resolves.toBeUndefined();
    expect(service.hosts()).toEqual([]);
    expect(warnings).toEqual(['discovery: not browsing for hosts: EADDRINUSE 0.0.0.0:47470']);
  });

  it('stops pushing and stops the discovery on stop, even while starting', async () => {
    const { service, pushes, see, feed } = withFedDiscovery({ pushIntervalMs: 0 });
    const starting = service.start();
    await service.stop();
    await starting;
    expect(service.hosts()).toEqual([]);
    expect(() => see(sighting('host0001'))).not.toThrow();
    expect(pushes).toEqual([]);
    expect(feed().listenerCount('change')).toBe(0);
  });
});

/** A free UDP port on loopback for this test's beacons (never the real 47470). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('DiscoveryService with the real beacon listener (loopback only)', () => {
  it('lists a host whose beacon arrives, and drops it on its bye', async () => {
    const beaconPort = await freeUdpPort();
    const service = new DiscoveryService({ logger, discovery: { mdns: false, beaconPort }, pushIntervalMs: 0 });
    services.push(service);
    const pushes: DiscoveredHostInfo[][] = [];
    service.onChange((hosts) => pushes.push(hosts));
    await service.start();

    const sender = createSocket('udp4');
    const identity = await testIdentity();
    let ts = 0;
    const send = (bye: boolean) =>
      new Promise<void>((resolve, reject) =>
        sender.send(
          encodeBeacon({
            advert: advertFor(identity, { name: 'loopbox', rooms: ['general', 'ops'] }),
            addresses: ['127.0.0.1'],
            everyMs: 2000,
            mdns: false,
            bye,
            privateKey: identity.key,
            ts: ++ts,
          }),
          beaconPort,
          '127.0.0.1',
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    try {
      await send(false);
      await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 2000, interval: 10 });
      expect(pushes[0]).toEqual([
        expect.objectContaining({
          id: identity.id,
          name: 'loopbox',
          addresses: ['127.0.0.1'],
          rooms: ['general', 'ops'],
          via: ['broadcast'],
        }),
      ]);
      expect(service.hosts().map((h) => h.id)).toEqual([identity.id]);
      await send(true);
      await vi.waitFor(() => expect(pushes).toHaveLength(2), { timeout: 2000, interval: 10 });
      expect(pushes[1]).toEqual([]);
    } finally {
      sender.close();
    }
  });
});
