import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HostServer } from '../../../src/main/host/index.ts';
import { PinStore, probeCertificate } from '../../../src/main/pins/index.ts';
import { MAX_PINS, type CertificatePin, type Settings } from '../../../src/shared/ipc.ts';
import { testIdentity } from '../../helpers/identity.ts';

/** Pins kept in memory the way SettingsStore keeps them (the real store is tested in settings/). */
function memory(): { get(): Settings; setPins(pins: CertificatePin[]): Promise<Settings> } {
  let pins: CertificatePin[] = [];
  return {
    get: () => ({ pins }) as Settings,
    setPins: async (next) => {
      pins = next;
      return { pins } as Settings;
    },
  };
}

const a = await testIdentity('a');
const b = await testIdentity('b');

describe('PinStore', () => {
  it('keeps one pin per host:port, compared as new, same or changed', async () => {
    const pins = new PinStore(memory(), () => 1000);
    expect(pins.check('10.0.0.2:4747', a.fingerprint)).toEqual({ pin: 'new' });
    await pins.trust('10.0.0.2:4747', a.fingerprint, a.id);
    expect(pins.check('10.0.0.2:4747', a.fingerprint)).toEqual({ pin: 'same' });
    expect(pins.check('10.0.0.2:4747', b.fingerprint)).toEqual({ pin: 'changed', pinned: a.fingerprint });
    expect(pins.check('10.0.0.2:4748', a.fingerprint)).toEqual({ pin: 'new' }); // another port: another host
    await pins.trust('10.0.0.2:4747', b.fingerprint);
    expect(pins.list()).toEqual([{ address: '10.0.0.2:4747', fingerprint: b.fingerprint, since: 1000 }]);
    await pins.forget('10.0.0.2:4747');
    expect(pins.list()).toEqual([]);
    await expect(pins.trust('not an address', a.fingerprint)).rejects.toThrow(/not a host address/);
  });

  it("accepts for a host name exactly a certificate pinned there (and its key's id), refuses others, leaves the rest", async () => {
    const pins = new PinStore(memory());
    await pins.trust('10.0.0.2:4747', a.fingerprint, a.id);
    await pins.trust('[fd00::2]:4747', a.fingerprint);
    expect(pins.verify('10.0.0.2', a.cert)).toEqual({ verdict: 'pinned' });
    expect(pins.verify('10.0.0.2', b.cert)).toEqual({
      verdict: 'mismatch',
      presented: b.fingerprint,
      pinned: [a.fingerprint],
    });
    expect(pins.verify('[fd00::2]', a.cert)).toEqual({ verdict: 'pinned' });
    expect(pins.verify('10.0.0.3', b.cert)).toEqual({ verdict: 'unpinned' });
    expect(pins.verify('10.0.0.2', 'not a certificate').verdict).toBe('mismatch');
    // A pin that names a host id: the right fingerprint is not enough if the key is not that id's.
    await pins.trust('10.0.0.4:4747', a.fingerprint, b.id);
    expect(pins.verify('10.0.0.4', a.cert).verdict).toBe('mismatch');
    expect(pins.pinnedHost('10.0.0.2')).toBe(true);
    expect(pins.pinnedHost('10.0.0.9')).toBe(false);
  });

  it(`keeps at most ${MAX_PINS} pins, forgetting the oldest`, async () => {
    const pins = new PinStore(memory());
    for (let i = 0; i <= MAX_PINS; i++) await pins.trust(`10.0.${i >> 8}.${i & 255}:4747`, a.fingerprint);
    expect(pins.list()).toHaveLength(MAX_PINS);
    expect(pins.list()[0]!.address).toBe('10.0.0.1:4747');
  });
});

describe('probeCertificate', () => {
  it("reads a TLS host's certificate without trusting it, says when a port speaks no TLS, and fails when nobody answers", async () => {
    const keys = { key: a.key, cert: a.cert };
    const tls = new HostServer({ bind: '127.0.0.1', certificate: keys, tls: { ...keys, alsoPlain: true } });
    const plain = new HostServer({ bind: '127.0.0.1' });
    await tls.listen();
    await plain.listen();
    try {
      expect(await probeCertificate('127.0.0.1', tls.port)).toMatchObject({
        tls: true,
        fingerprint: a.fingerprint,
        hostId: a.id,
      });
      expect(await probeCertificate('127.0.0.1', plain.port)).toEqual({ tls: false });
    } finally {
      await tls.close();
      await plain.close();
    }
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as { port: number };
    await new Promise((r) => closed.close(r));
    await expect(probeCertificate('127.0.0.1', port)).rejects.toThrow(/ECONNREFUSED/);
    // Accepts the connection and never answers: a timeout, not a hang.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      await expect(probeCertificate('127.0.0.1', (silent.address() as { port: number }).port, 300)).rejects.toThrow(
        /no answer/,
      );
    } finally {
      silent.close();
    }
  });
});
