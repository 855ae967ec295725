import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the host's data folder that holds its admin secret (mode 0600). */
export const ADMIN_SECRET_FILE = 'admin-secret';
/** Random bytes in a new admin secret: 256 bits, written as 43 base64url characters. */
export const ADMIN_SECRET_BYTES = 32;
/** Shortest secret read back from the file: 128 bits of base64url. */
const MIN_SECRET_LENGTH = 22;
const SECRET_SHAPE = /^[A-Za-z0-9_-]+$/;

export interface AdminSecret {
  secret: string;
  path: string;
  /** True when this call made it (first start): the host prints it then, and on every start. */
  created: boolean;
}

/**
 * The headless host's admin secret: made once (crypto-random) and kept in the data folder, readable
 * by its owner only. A file someone loosened is tightened back to 0600; a file that holds no usable
 * secret is an error, not silently replaced (the operator may have scripts that use it).
 */
export function loadOrCreateAdminSecret(dataDir: string): AdminSecret {
  const path = join(dataDir, ADMIN_SECRET_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(ADMIN_SECRET_BYTES).toString('base64url');
    // 'wx': never overwrite a secret another process wrote meanwhile.
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, path, created: true };
  }
  if (text.length < MIN_SECRET_LENGTH || text.length > 512 || !SECRET_SHAPE.test(text)) {
    throw new Error(
      `${path} holds no usable admin secret (at least ${MIN_SECRET_LENGTH} base64url characters); delete it to make a new one`,
    );
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { secret: text, path, created: false };
}

/**
 * Whether `given` is the secret, in time that does not depend on where they differ: both are hashed
 * first, so even their lengths are compared in constant time.
 */
export function adminSecretMatches(secret: string, given: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(secret), digest(given));
}
