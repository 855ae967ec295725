const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A message id that sorts by time and is unique per device: 10 characters of milliseconds and 10 of
 * randomness (ULID layout). Works where crypto.randomUUID does not: http pages on a LAN IP are not a
 * secure context, but getRandomValues is available everywhere.
 */
export function newClientId(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  let random = '';
  for (const b of bytes) random += ALPHABET[b % 32];
  return time + random;
}

/** A device id for a new install: 128 random bits, hex. */
export function newDeviceId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
