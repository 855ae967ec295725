import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostServer } from '../../../src/main/host/index.ts';
import {
  base32,
  HOST_ID_LENGTH,
  hostIdOf,
  hostIdOfKey,
  loadOrCreateCertificate,
  publicKeyOf,
  signWithKey,
  verifyWithKey,
} from '../../../src/main/tls/index.ts';
import { testIdentity } from '../../helpers/identity.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host identity', () => {
  it('base32 is RFC 4648 (lowercase, unpadded)', () => {
    // RFC 4648 §10 test vectors.
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((s) => base32(Buffer.from(s)))).toEqual([
      '',
      'my',
      'mzxq',
      'mzxw6',
      'mzxw6yq',
      'mzxw6ytb',
      'mzxw6ytboi',
    ]);
  });

  it("is the first 26 base32 characters of the SHA-256 of the certificate's public key", async () => {
    const { cert } = await testIdentity();
    const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
    const expected = base32(createHash('sha256').update(spki).digest()).slice(0, HOST_ID_LENGTH);
    expect(hostIdOf(cert)).toBe(expected);
    expect(hostIdOfKey(publicKeyOf(cert))).toBe(expected);
    expect(expected).toMatch(/^[a-z2-7]{26}$/);
    expect(hostIdOf((await testIdentity()).cert)).not.toBe(expected);
  });

  it('signs with the private key; only the matching public key verifies, and only the same bytes', async () => {
    const a = await testIdentity();
    const b = await testIdentity();
    const data = Buffer.from('beacon');
    const sig = signWithKey(a.key, data);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyWithKey(a.publicKey, data, sig)).toBe(true);
    expect(verifyWithKey(b.publicKey, data, sig)).toBe(false);
    expect(verifyWithKey(a.publicKey, Buffer.from('beacoN'), sig)).toBe(false);
    expect(verifyWithKey('not-a-key'.repeat(10), data, sig)).toBe(false);
  });

  it('names a HostServer with a certificate after its key, TLS or not, and keeps it across restarts', async () => {
    const data = join(dir, 'host');
    const { key, cert } = await loadOrCreateCertificate(data, 'lanbox');
    const first = new HostServer({ dataDir: data, bind: '127.0.0.1', certificate: { key, cert } });
    const id = first.identity.id;
    expect(id).toBe(hostIdOf(cert));
    expect(first.certificate).toEqual({ key, cert });
    await first.close();
    const again = await loadOrCreateCertificate(data, 'lanbox');
    const second = new HostServer({ dataDir: data, bind: '127.0.0.1', tls: { key: again.key, cert: again.cert } });
    expect(second.identity.id).toBe(id);
    await second.close();
    // A host without a certificate (tests, benchmarks) keeps the random id of its database.
    const anonymous = new HostServer({ bind: '127.0.0.1' });
    expect(anonymous.identity.id).toMatch(/^[0-9a-f]{16}$/);
    expect(anonymous.certificate).toBeNull();
    await anonymous.close();
  });

  it('refuses a certificate that is not the TLS one', async () => {
    const a = await testIdentity();
    const b = await testIdentity();
    expect(
      () => new HostServer({ tls: { key: a.key, cert: a.cert }, certificate: { key: b.key, cert: b.cert } }),
    ).toThrow(/must be the TLS certificate/);
  });
});
