import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BEACON_MAGIC,
  decodeBeacon,
  decodeTxt,
  encodeBeacon,
  encodeTxt,
  MAX_BEACON_BYTES,
  MAX_TXT_STRING_BYTES,
  truncateUtf8,
  type Advert,
} from '../../../src/main/discovery/advert.ts';
import { BeaconListener, BeaconSender } from '../../../src/main/discovery/broadcast-fallback.ts';
import type { Goodbye, Sighting } from '../../../src/main/discovery/source.ts';

const advert: Advert = {
  id: '0123456789abcdef',
  name: 'lanbox',
  port: 4747,
  protocol: 1,
  rooms: ['general', 'ops, night shift', '100% uptime'],
  roomsTruncated: false,
};

const utf8Bytes = (s: string) => Buffer.byteLength(s);

describe('mDNS TXT record', () => {
  it('carries version, protocol, id, name, port and rooms, and reads back the same', () => {
    const txt = encodeTxt(advert);
    expect(txt).toEqual({
      txtvers: '1',
      proto: '1',
      id: '0123456789abcdef',
      name: 'lanbox',
      port: '4747',
      rooms: 'general,ops%2C night shift,100%25 uptime',
    });
    expect(decodeTxt(txt)).toEqual(advert);
    expect(decodeTxt(txt, 5000)?.port).toBe(5000); // the SRV record's port wins
  });

  it('cuts rooms (and says so) and long names to fit 255 bytes per string', () => {
    const rooms = Array.from({ length: 40 }, (_, i) => `room-${i}-${'x'.repeat(20)}`);
    const name = 'é'.repeat(64);
    const txt = encodeTxt({ ...advert, name, rooms });
    for (const [key, value] of Object.entries(txt)) {
      expect(utf8Bytes(`${key}=${value}`)).toBeLessThanOrEqual(MAX_TXT_STRING_BYTES);
    }
    expect(txt.more).toBe('1');
    const back = decodeTxt(txt)!;
    expect(back.roomsTruncated).toBe(true);
    expect(back.rooms).toEqual(rooms.slice(0, back.rooms.length));
    expect(back.rooms.length).toBeGreaterThan(5);
    expect(back.name).toBe(name); // 128 bytes: fits
    expect(truncateUtf8('ééé', 5)).toBe('éé');
  });

  it.each([
    ['no id', { proto: '1', name: 'x', port: '1' }],
    ['a bad id', { proto: '1', id: 'a b', name: 'x', port: '1' }],
    ['no protocol', { id: 'abcd1234', name: 'x', port: '1' }],
    ['a bad port', { proto: '1', id: 'abcd1234', name: 'x', port: '70000' }],
    ['a name with control characters', { proto: '1', id: 'abcd1234', name: 'x\u0007', port: '1' }],
    ['not an object', 'txt'],
  ])('is not a Tincan host with %s', (_what, txt) => {
    expect(decodeTxt(txt)).toBeNull();
  });
});

describe('beacon datagram', () => {
  const fields = { advert, addresses: ['10.0.0.2', 'fd00::2'], everyMs: 2000, mdns: true };

  it('is JSON with a magic and version, and decodes to the same advert', () => {
    const data = encodeBeacon(fields);
    expect(JSON.parse(data.toString())).toEqual({
      t: BEACON_MAGIC,
      v: 1,
      id: advert.id,
      name: 'lanbox',
      port: 4747,
      proto: 1,
      rooms: advert.rooms,
      more: false,
      addrs: ['10.0.0.2', 'fd00::2'],
      every: 2000,
      mdns: true,
      bye: false,
    });
    const decoded = decodeBeacon(data);
    expect(decoded.ok && decoded.beacon.rooms).toEqual(advert.rooms);
  });

  it(`stays within ${MAX_BEACON_BYTES} bytes however many rooms there are`, () => {
    const rooms = Array.from({ length: 300 }, (_, i) => `${i}-${'ü'.repeat(30)}`);
    const data = encodeBeacon({ ...fields, advert: { ...advert, rooms } });
    expect(data.length).toBeLessThanOrEqual(MAX_BEACON_BYTES);
    const decoded = decodeBeacon(data);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.beacon.more).toBe(true);
    expect(decoded.beacon.rooms).toEqual(rooms.slice(0, decoded.beacon.rooms.length));
    expect(decoded.beacon.rooms.length).toBeGreaterThan(5);
  });

  const good = JSON.parse(encodeBeacon(fields).toString()) as Record<string, unknown>;
  it.each([
    ['too large', Buffer.alloc(MAX_BEACON_BYTES + 1, 32), /too large/],
    ['not JSON', Buffer.from('hello'), /not JSON/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /not JSON/],
    ['JSON but not an object', Buffer.from('[1,2]'), /not a Tincan beacon/],
    ['another magic', Buffer.from(JSON.stringify({ ...good, t: 'other' })), /not a Tincan beacon/],
    ['another version', Buffer.from(JSON.stringify({ ...good, v: 2 })), /invalid v/],
    ['a bad id', Buffer.from(JSON.stringify({ ...good, id: '../../etc' })), /invalid id/],
    ['a bad port', Buffer.from(JSON.stringify({ ...good, port: 0 })), /invalid port/],
    [
      'a room with a control character',
      Buffer.from(JSON.stringify({ ...good, rooms: ['a\u0000b'] })),
      /invalid rooms\.0/,
    ],
    [
      'an address that is not an IP',
      Buffer.from(JSON.stringify({ ...good, addrs: ['evil.example'] })),
      /invalid addrs\.0/,
    ],
    ['an absurd interval', Buffer.from(JSON.stringify({ ...good, every: 1 })), /invalid every/],
    ['a missing name', Buffer.from(JSON.stringify({ ...good, name: undefined })), /invalid name/],
  ])('is refused when %s', (_what, data, reason) => {
    const decoded = decodeBeacon(data);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });
});

describe('beacon sender and listener (over loopback)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function listen() {
    const seen: Sighting[] = [];
    const gone: Goodbye[] = [];
    const listener = new BeaconListener({ port: 0, bind: '127.0.0.1', locate: () => 'lo' });
    await listener.start({ seen: (s) => seen.push(s), gone: (g) => gone.push(g) });
    cleanups.push(() => listener.stop());
    return { listener, seen, gone, port: listener.port! };
  }

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(check()).toBe(true);
  };

  it('ignores bad datagrams, counts them, and reports the good one with its source address first', async () => {
    const { listener, seen, port } = await listen();
    const socket = createSocket('udp4');
    cleanups.push(() => new Promise((r) => socket.close(() => r())));
    const send = (data: Buffer) => new Promise<void>((r) => socket.send(data, port, '127.0.0.1', () => r()));
    await send(Buffer.from('garbage'));
    await send(Buffer.alloc(4000, 0x41));
    await send(Buffer.from(JSON.stringify({ t: BEACON_MAGIC, v: 1 })));
    await send(encodeBeacon({ advert, addresses: ['10.0.0.2'], everyMs: 1000, mdns: false }));
    await until(() => seen.length === 1);
    expect(listener.stats).toMatchObject({ received: 1, invalid: 3, lastInvalid: { from: '127.0.0.1' } });
    expect(seen[0]).toEqual({
      via: 'broadcast',
      advert,
      addresses: ['127.0.0.1', '10.0.0.2'],
      ttlMs: 3500,
      mdns: false,
      interface: 'lo',
    });
  });

  it('sends a beacon at once, then every interval, and a goodbye when stopped', async () => {
    const { seen, gone, port } = await listen();
    let rooms = ['general'];
    const sender = new BeaconSender({
      targets: [
        {
          name: 'lo',
          kind: 'loopback',
          address: '127.0.0.1',
          broadcast: '127.0.0.1',
          netmask: '255.0.0.0',
          addresses: ['127.0.0.1'],
        },
      ],
      advert: () => ({ ...advert, rooms }),
      mdns: true,
      port,
      intervalMs: 250,
    });
    await sender.start();
    cleanups.push(() => sender.stop());
    expect(sender.sending).toEqual(['lo']);
    await until(() => seen.length >= 1);
    expect(seen[0]!.advert.rooms).toEqual(['general']);
    rooms = ['general', 'new'];
    await until(() => seen.at(-1)!.advert.rooms.length === 2);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    await sender.stop();
    await until(() => gone.length === 1);
    expect(gone[0]).toEqual({ via: 'broadcast', id: advert.id });
  });
});
