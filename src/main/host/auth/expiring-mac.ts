import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one shape of the host's expiring credentials (join tokens, session tickets):
 * `<version>.<expiry, base 36 ms>.<HMAC-SHA256, base64url>`, the MAC over newline-separated fields
 * that say what the credential is bound to. A credential checks out only with the same fields.
 */
export type ExpiringMacCheck = 'ok' | 'expired' | 'invalid';

/** HMAC-SHA256 of `fields` joined by newlines: callers pass only fields that cannot hold one. */
export function macOfFields(secret: Buffer, fields: readonly (string | number)[]): Buffer {
  return createHmac('sha256', secret).update(fields.join('\n')).digest();
}

export function formatExpiringMac(version: string, expiresAt: number, mac: Buffer): string {
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) throw new RangeError('expiresAt must be a positive integer');
  return `${version}.${expiresAt.toString(36)}.${mac.toString('base64url')}`;
}

/** The expiry and MAC of a well-formed credential of `version`, or null. */
export function parseExpiringMac(version: string, text: string): { expiresAt: number; mac: Buffer } | null {
  const parts = text.split('.');
  if (parts.length !== 3 || parts[0] !== version) return null;
  const [, expiry, mac] = parts as [string, string, string];
  if (!/^[0-9a-z]{1,11}$/.test(expiry) || !/^[A-Za-z0-9_-]{43}$/.test(mac)) return null;
  return { expiresAt: parseInt(expiry, 36), mac: Buffer.from(mac, 'base64url') };
}

/**
 * Check `text` at `now`: its MAC against `expectedAt(expiry)` in constant time, then its expiry.
 * A MAC that does not match is `invalid` whether or not it has expired, so an expiry is never
 * told about a forged credential.
 */
export function checkExpiringMac(
  version: string,
  text: string,
  now: number,
  expectedAt: (expiresAt: number) => Buffer,
): ExpiringMacCheck {
  const parsed = parseExpiringMac(version, text);
  if (!parsed) return 'invalid';
  const expected = expectedAt(parsed.expiresAt);
  if (parsed.mac.length !== expected.length || !timingSafeEqual(parsed.mac, expected)) return 'invalid';
  return parsed.expiresAt > now ? 'ok' : 'expired';
}
