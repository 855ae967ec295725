import type { Advert } from '../../src/main/discovery/advert.ts';
import { createCertificate, fingerprintOf, hostIdOf, publicKeyOf } from '../../src/main/tls/index.ts';

/** A host identity as tests need it: the PEM pair, and what adverts carry of it. */
export interface TestIdentity {
  key: string;
  cert: string;
  /** SPKI DER, base64url. */
  publicKey: string;
  fingerprint: string;
  id: string;
}

/** A fresh certificate and key, as a host would make for itself. */
export async function testIdentity(name = 'test-host'): Promise<TestIdentity> {
  const { key, cert } = await createCertificate(name);
  return { key, cert, publicKey: publicKeyOf(cert), fingerprint: fingerprintOf(cert), id: hostIdOf(cert) };
}

/** An advert of `identity`'s host. */
export function advertFor(identity: TestIdentity, fields: Partial<Advert> = {}): Advert {
  return {
    id: identity.id,
    key: identity.publicKey,
    fingerprint: identity.fingerprint,
    tls: false,
    name: 'lanbox',
    port: 4747,
    protocol: 1,
    rooms: [],
    roomsTruncated: false,
    ...fields,
  };
}
