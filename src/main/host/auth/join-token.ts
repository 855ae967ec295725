import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Join tokens let an invite link open a password room without the password. A token is
 * `1.<expiry, base 36 ms>.<HMAC-SHA256, base64url>` over the room name, the expiry and the room's
 * current password hash, keyed with a per-host secret kept in the host's database. So a token
 * works for one room, until it expires, and stops working when the room's password changes.
 */
export const JOIN_TOKEN_VERSION = '1';
/** How long an invite's token is valid unless asked otherwise: one day. */
export const DEFAULT_JOIN_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** The longest a token may be issued for: 30 days. */
export const MAX_JOIN_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** The `meta` key of the host's token secret. */
export const JOIN_TOKEN_SECRET_KEY = 'join_token_secret';

/** What the secret and the revocations are read from: the MessageStore. */
export interface SecretStore {
  meta(key: string, create: () => string): string;
  /** True when a token with this digest was revoked (and has not expired yet). */
  isJoinTokenRevoked(digest: string): boolean;
}

/** How a revoked token is remembered: its SHA-256, never the token itself. */
export function joinTokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** When a well-formed token expires (ms), or null when it is not one. */
export function joinTokenExpiry(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== JOIN_TOKEN_VERSION || !/^[0-9a-z]{1,11}$/.test(parts[1]!)) return null;
  return parseInt(parts[1]!, 36);
}

/** A secret of the host's kept under `key` in its database, created (32 random bytes) the first time it is asked for. */
export function hostSecret(store: Pick<SecretStore, 'meta'>, key: string): Buffer {
  return Buffer.from(
    store.meta(key, () => randomBytes(32).toString('base64')),
    'base64',
  );
}

/** The host's token secret. */
export function joinTokenSecret(store: Pick<SecretStore, 'meta'>): Buffer {
  return hostSecret(store, JOIN_TOKEN_SECRET_KEY);
}

function mac(secret: Buffer, room: string, expiresAt: number, passwordHash: string): Buffer {
  // Room names and hashes hold no control characters, so newlines separate the fields unambiguously.
  return createHmac('sha256', secret)
    .update(`tincan-join\n${JOIN_TOKEN_VERSION}\n${room}\n${expiresAt}\n${passwordHash}`)
    .digest();
}

export function issueJoinToken(secret: Buffer, room: string, expiresAt: number, passwordHash: string): string {
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) throw new RangeError('expiresAt must be a positive integer');
  return `${JOIN_TOKEN_VERSION}.${expiresAt.toString(36)}.${mac(secret, room, expiresAt, passwordHash).toString('base64url')}`;
}

export type JoinTokenCheck = 'ok' | 'expired' | 'revoked' | 'invalid';

/** Check a token for `room` at `now`, comparing the MAC in constant time. */
export function verifyJoinToken(
  secret: Buffer,
  room: string,
  token: string,
  passwordHash: string,
  now: number,
): JoinTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== JOIN_TOKEN_VERSION) return 'invalid';
  const [, expiryText, macText] = parts as [string, string, string];
  if (!/^[0-9a-z]{1,11}$/.test(expiryText) || !/^[A-Za-z0-9_-]{43}$/.test(macText)) return 'invalid';
  const expiresAt = parseInt(expiryText, 36);
  const expected = mac(secret, room, expiresAt, passwordHash);
  const given = Buffer.from(macText, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return expiresAt > now ? 'ok' : 'expired';
}
