import { createHash, createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';

/**
 * A host's identity is its certificate's key pair (Syncthing's idea): the host id is derived from the
 * certificate's public key, so nobody without the private key can speak for that id.
 *
 * The id is the SHA-256 of the public key (SubjectPublicKeyInfo, DER) in lowercase base32, cut to
 * HOST_ID_LENGTH characters: 26 × 5 = 130 bits, beyond the 128-bit security level, so making another
 * key whose hash starts the same (a second preimage) is out of reach, while the id stays short enough
 * to read out and fits the protocol's 64-character host id. The key, not the whole certificate, is
 * hashed so a signed beacon can carry it (91 bytes, where a certificate takes about 450) and so a
 * renewed certificate on the same key keeps its id.
 */
export const HOST_ID_LENGTH = 26;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lowercase, no padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The host id of a public key given as SPKI DER (raw bytes or base64url). */
export function hostIdOfKey(spki: Uint8Array | string): string {
  const der = typeof spki === 'string' ? Buffer.from(spki, 'base64url') : spki;
  return base32(createHash('sha256').update(der).digest()).slice(0, HOST_ID_LENGTH);
}

/** The public key a PEM certificate certifies, as SPKI DER in base64url (what adverts carry). */
export function publicKeyOf(certPem: string): string {
  return new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' }).toString('base64url');
}

/** The host id of a PEM certificate: the id of the key it certifies. */
export function hostIdOf(certPem: string): string {
  return hostIdOfKey(publicKeyOf(certPem));
}

/** ECDSA P-256 with SHA-256 over `data`, as the 64-byte r‖s form (IEEE P1363), base64url. */
export function signWithKey(privateKeyPem: string, data: Uint8Array): string {
  return sign('sha256', data, { key: createPrivateKey(privateKeyPem), dsaEncoding: 'ieee-p1363' }).toString(
    'base64url',
  );
}

/** Whether `signature` (from signWithKey) is the key's over `data`. A key that does not parse is a no. */
export function verifyWithKey(spkiBase64url: string, data: Uint8Array, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(spkiBase64url, 'base64url'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return false;
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
