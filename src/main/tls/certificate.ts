import { createHash, generateKeyPairSync, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A host's TLS identity: PEM key and certificate, and the certificate's SHA-256 fingerprint. */
export interface HostCertificate {
  key: string;
  cert: string;
  /** SHA-256 of the certificate (DER), 64 lowercase hex digits: what clients pin. */
  fingerprint: string;
}

/** Where the key and certificate live inside the host's data folder. */
export const TLS_FOLDER = 'tls';
/** How long a created certificate is valid: ten years (it is pinned, not checked against a CA). */
const VALID_YEARS = 10;

/**
 * The host's certificate: read from `dataDir/tls/`, or created there the first time (EC P-256,
 * self-signed), so the fingerprint stays the same across restarts. Files are written with mode
 * 0600 and moved into place, so a crash never leaves half a key.
 */
export async function loadOrCreateCertificate(dataDir: string, commonName: string): Promise<HostCertificate> {
  const folder = join(dataDir, TLS_FOLDER);
  const keyFile = join(folder, 'key.pem');
  const certFile = join(folder, 'cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) {
    const key = readFileSync(keyFile, 'utf8');
    const cert = readFileSync(certFile, 'utf8');
    return { key, cert, fingerprint: fingerprintOf(cert) };
  }
  const { key, cert } = await createCertificate(commonName);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  for (const [file, text] of [
    [keyFile, key],
    [certFile, cert],
  ] as const) {
    writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
  return { key, cert, fingerprint: fingerprintOf(cert) };
}

/** A new self-signed EC P-256 certificate for `commonName`, as PEM. */
export async function createCertificate(commonName: string): Promise<{ key: string; cert: string }> {
  // Loaded only here: most hosts never make a certificate, and the library is large to load.
  // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect polyfill first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keys = {
    privateKey: privateKey.toCryptoKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']),
    publicKey: publicKey.toCryptoKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
  } as unknown as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + VALID_YEARS * 365 * 24 * 3600 * 1000);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: createHash('sha256').update(`${commonName}${notBefore.getTime()}`).digest('hex').slice(0, 16),
    name: `CN=${commonName.replace(/[,=+<>#;"\\]/g, ' ')}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    cert: certificate.toString('pem'),
  };
}

/** SHA-256 of a PEM certificate's DER, lowercase hex: the pin. */
export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replaceAll(':', '').toLowerCase();
}

// One readable form for main, the host's console and the renderer.
export { readableFingerprint } from '../../shared/fingerprint.ts';
