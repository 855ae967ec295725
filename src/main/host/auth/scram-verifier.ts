import { randomBytes } from 'node:crypto';
import {
  fromBase64,
  makeVerifier,
  SCRAM_MECHANISM,
  SCRAM_MIN_ITERATIONS,
  SCRAM_SALT_BYTES,
  sameBytes,
  toBase64,
  type ScramVerifier,
} from '../../../shared/scram.ts';

/**
 * How a room's SCRAM-SHA-256 verifier is stored: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
 * (base64), PostgreSQL's spelling. StoredKey checks a client's proof; ServerKey signs the host's
 * answer. Neither lets anyone log in: a client must still know the password (or break PBKDF2).
 */
const FORMAT = /^SCRAM-SHA-256\$([1-9][0-9]{0,9}):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

export function formatVerifier(v: ScramVerifier): string {
  return `${SCRAM_MECHANISM}$${v.iterations}:${toBase64(v.salt)}$${toBase64(v.storedKey)}:${toBase64(v.serverKey)}`;
}

/** The verifier in a stored string, or null when it is not one. */
export function parseVerifier(text: string): ScramVerifier | null {
  const m = FORMAT.exec(text);
  if (!m) return null;
  const iterations = Number(m[1]);
  const [salt, storedKey, serverKey] = [m[2]!, m[3]!, m[4]!].map(fromBase64);
  if (!salt || !storedKey || !serverKey || storedKey.length !== 32 || serverKey.length !== 32) return null;
  return { iterations, salt, storedKey, serverKey };
}

/** A fresh verifier for `password`: a new random salt, `iterations` PBKDF2 rounds (at least 4096). */
export async function createVerifier(password: string, iterations: number): Promise<string> {
  if (!Number.isSafeInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS)
    throw new RangeError(`SCRAM iterations must be a whole number of at least ${SCRAM_MIN_ITERATIONS}`);
  return formatVerifier(await makeVerifier(password, new Uint8Array(randomBytes(SCRAM_SALT_BYTES)), iterations));
}

/** True when `password` is the one `stored` was made from (same salt and count; compared without early exit). */
export async function verifierMatches(password: string, stored: string): Promise<boolean> {
  const v = parseVerifier(stored);
  if (!v) return false;
  const again = await makeVerifier(password, v.salt, v.iterations);
  return sameBytes(again.storedKey, v.storedKey) && sameBytes(again.serverKey, v.serverKey);
}
