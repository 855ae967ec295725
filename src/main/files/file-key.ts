import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The key of a room's file URLs (`/files/<file>?key=…`), given to each member in `joined`. It is an
 * HMAC of the room's name and its stored password credential (Room.credential) under a per-host secret: a file id alone opens
 * nothing, a file of one room cannot be fetched with another room's key, and changing a room's
 * password changes its key, so links handed out before stop working.
 */
export function fileKeyOf(secret: Buffer, room: string, credential: string | null): string {
  // 128 bits are plenty for a capability that is never checked offline.
  return createHmac('sha256', secret)
    .update(`tincan-files\n${room}\n${credential ?? ''}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** Compare a presented key with the room's in constant time. */
export function fileKeyMatches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
