import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BEACON_MAGIC,
  decodeBeacon,
  decodeTxt,
  encodeBeacon,
  encodeTxt,
  advertOfBeacon,
  MAX_BEACON_BYTES,
  MAX_TXT_STRING_BYTES,
  truncateUtf8,
  type Advert,
} from '../../../src/main/discovery/advert.ts';
import { BeaconListener, BeaconSender } from '../../../src/main/discovery/broadcast-fallback.ts';
import type { Goodbye, Sighting } from '../../../src/main/discovery/source.ts';
import { advertFor, testIdentity } from '../../helpers/identity.ts';

const host = await testIdentity('lanbox');
const rogue = await testIdentity('lanbox');
const advert: Advert = advertFor(host, { tls: true, rooms: ['general', 'ops, night shift', '100% uptime'] });

const utf8Bytes = (s: string) => Buffer.byteLength(s);

describe('mDNS TXT record', () => {
  it('carries version, protocol, id, name, port and rooms, and reads back the same', () => {
    const txt = encodeTxt(advert);
    expect(txt).toEqual({
      txtvers: '2',
      proto: '1',
      id: host.id,
      name: 'lanbox',
      port: '4747',
      key: host.publicKey,
      fp: host.fingerprint,
      tls: '1',
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

  it("names a host by its key's hash: another host's id claimed with another key is that key's host", () => {
    const forged = decodeTxt({ ...encodeTxt(advert), key: rogue.publicKey, fp: rogue.fingerprint })!;
    expect(forged.id).toBe(rogue.id);
    expect(forged.claimedId).toBe(host.id);
    expect(decodeTxt(encodeTxt(advert))!.claimedId).toBeUndefined();
  });

  const keys = { key: host.publicKey, fp: host.fingerprint };
  it.each([
    ['no id', { proto: '1', name: 'x', port: '1', ...keys }],
    ['a bad id', { proto: '1', id: 'a b', name: 'x', port: '1', ...keys }],
    ['no protocol', { id: 'abcd1234', name: 'x', port: '1', ...keys }],
    ['a bad port', { proto: '1', id: 'abcd1234', name: 'x', port: '70000', ...keys }],
    ['a name with control characters', { proto: '1', id: 'abcd1234', name: 'x\u0007', port: '1', ...keys }],
    ['no key', { proto: '1', id: 'abcd1234', name: 'x', port: '1', fp: host.fingerprint }],
    ['no fingerprint', { proto: '1', id: 'abcd1234', name: 'x', port: '1', key: host.publicKey }],
    ['not an object', 'txt'],
  ])('is not a Tincan host with %s', (_what, txt) => {
    expect(decodeTxt(txt)).toBeNull();
  });
});

describe('beacon datagram', () => {
  const fields = {
    advert,
    addresses: ['10.0.0.2', 'fd00::2'],
    everyMs: 2000,
    mdns: true,
    privateKey: host.key,
    ts: 1_700_000_000_000,
  };

  it('is JSON with a magic and version, signed last, and decodes to the same advert', () => {
    const data = encodeBeacon(fields);
    const { sig, ...rest } = JSON.parse(data.toString()) as Record<string, unknown>;
    expect(data.toString()).toMatch(/,"sig":"[A-Za-z0-9_-]{86}"}$/);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(rest).toEqual({
      t: BEACON_MAGIC,
      v: 2,
      key: host.publicKey,
      fp: host.fingerprint,
      tls: true,
      ts: 1_700_000_000_000,
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
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(advertOfBeacon(decoded.beacon)).toEqual(advert);
  });

  it('is refused when a byte it signed changed, or signed with a key other than the one it carries', () => {
    const text = encodeBeacon(fields).toString();
    const tampered = Buffer.from(text.replace('"port":4747', '"port":4748'));
    expect(decodeBeacon(tampered)).toEqual({ ok: false, reason: 'bad signature' });
    const otherKey = Buffer.from(text.replace(host.publicKey, rogue.publicKey));
    expect(decodeBeacon(otherKey)).toEqual({ ok: false, reason: 'bad signature' });
    const unsignedTail = Buffer.from(text.replace(/,"sig":"([^"]+)"}$/, ',"sig":"$1","x":1}'));
    expect(decodeBeacon(unsignedTail)).toEqual({ ok: false, reason: 'sig is not the last member' });
  });

  it("lists a beacon claiming another host's id under its own key's id, with the claim", () => {
    const forged = encodeBeacon({ ...fields, advert: { ...advert, key: rogue.publicKey }, privateKey: rogue.key });
    const decoded = decodeBeacon(forged);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(advertOfBeacon(decoded.beacon)).toMatchObject({ id: rogue.id, claimedId: host.id });
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
    ['another version', Buffer.from(JSON.stringify({ ...good, v: 1 })), /invalid v/],
    ['no signature', Buffer.from(JSON.stringify({ ...good, sig: undefined })), /invalid sig/],
    ['no key', Buffer.from(JSON.stringify({ ...good, key: undefined })), /invalid key/],
    ['no timestamp', Buffer.from(JSON.stringify({ ...good, ts: undefined })), /invalid ts/],
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
    const beacon = { advert, addresses: ['127.0.0.1', '10.0.0.2'], everyMs: 1000, mdns: false, privateKey: host.key };
    await send(encodeBeacon({ ...beacon, ts: 10 }));
    await until(() => seen.length === 1);
    expect(listener.stats).toMatchObject({ received: 1, invalid: 3, lastInvalid: { from: '127.0.0.1' } });
    expect(seen[0]).toEqual({
      via: 'broadcast',
      advert,
      addresses: ['127.0.0.1', '10.0.0.2'],
      ttlMs: 3500,
      mdns: false,
      verified: true,
      interface: 'lo',
    });

    // The same beacon again, or an older one: a replay, refused.
    await send(encodeBeacon({ ...beacon, ts: 10 }));
    await send(encodeBeacon({ ...beacon, ts: 9, bye: true }));
    await until(() => listener.stats.invalid === 5);
    expect(listener.stats.lastInvalid?.reason).toMatch(/^replayed/);
    // From an address it did not sign (someone re-sending it): only the signed addresses are used.
    await send(encodeBeacon({ ...beacon, addresses: ['10.0.0.2'], ts: 11 }));
    await until(() => seen.length === 2);
    expect(seen[1]!.addresses).toEqual(['10.0.0.2']);
  });

  it("ends a host's hearing only on its own signed goodbye: a forged one ends the forger's", async () => {
    const { seen, gone, port } = await listen();
    const socket = createSocket('udp4');
    cleanups.push(() => new Promise((r) => socket.close(() => r())));
    const send = (data: Buffer) => new Promise<void>((r) => socket.send(data, port, '127.0.0.1', () => r()));
    const beacon = { advert, addresses: ['127.0.0.1'], everyMs: 1000, mdns: false };
    await send(encodeBeacon({ ...beacon, privateKey: host.key, ts: 100 }));
    await until(() => seen.length === 1);
    // Claims the host's id and key but signs with another: refused outright.
    const stolenKey = encodeBeacon({ ...beacon, privateKey: rogue.key, ts: 101, bye: true });
    await send(stolenKey);
    // Claims the host's id with its own key: a goodbye of the rogue's own id.
    await send(
      encodeBeacon({
        ...beacon,
        advert: { ...advert, key: rogue.publicKey },
        privateKey: rogue.key,
        ts: 102,
        bye: true,
      }),
    );
    await until(() => gone.length === 1);
    expect(gone).toEqual([{ via: 'broadcast', id: rogue.id }]);
    await send(encodeBeacon({ ...beacon, privateKey: host.key, ts: 103, bye: true }));
    await until(() => gone.length === 2);
    expect(gone[1]).toEqual({ via: 'broadcast', id: host.id });
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
      privateKey: host.key,
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
