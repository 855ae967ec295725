import { createHash, randomBytes } from 'node:crypto';
import { checkExpiringMac, formatExpiringMac, macOfFields, parseExpiringMac } from './expiring-mac.ts';

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
  return parseExpiringMac(JOIN_TOKEN_VERSION, token)?.expiresAt ?? null;
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
  return macOfFields(secret, ['tincan-join', JOIN_TOKEN_VERSION, room, expiresAt, passwordHash]);
}

export function issueJoinToken(secret: Buffer, room: string, expiresAt: number, passwordHash: string): string {
  return formatExpiringMac(JOIN_TOKEN_VERSION, expiresAt, mac(secret, room, expiresAt, passwordHash));
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
  return checkExpiringMac(JOIN_TOKEN_VERSION, token, now, (expiresAt) => mac(secret, room, expiresAt, passwordHash));
}
