import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Session tickets spare a client the password on its next joins: after a SCRAM join the host hands
 * out `t1.<expiry, base 36 ms>.<HMAC-SHA256, base64url>`, a MAC keyed with the host's token secret
 * (join-token.ts) over the host id, the room, the device tag and the room's verifier. So a ticket
 * admits one device to one room of one host, until it expires, and no longer once the password
 * changes (a new verifier). It is never renewed by use: it cannot keep a device in forever.
 */
export const SESSION_TICKET_VERSION = 't1';

/** What a ticket is bound to. */
export interface TicketBinding {
  hostId: string;
  room: string;
  /** The device tag (a digest of the private device id the `hello` carried). */
  device: string;
  /** The room's stored verifier. */
  verifier: string;
}

function mac(secret: Buffer, b: TicketBinding, expiresAt: number): Buffer {
  // None of the fields holds a newline (ids, tags and verifiers are plain; room names refuse controls).
  return createHmac('sha256', secret)
    .update(
      `tincan-ticket\n${SESSION_TICKET_VERSION}\n${b.hostId}\n${b.room}\n${b.device}\n${expiresAt}\n${b.verifier}`,
    )
    .digest();
}

export function issueSessionTicket(secret: Buffer, binding: TicketBinding, expiresAt: number): string {
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) throw new RangeError('expiresAt must be a positive integer');
  return `${SESSION_TICKET_VERSION}.${expiresAt.toString(36)}.${mac(secret, binding, expiresAt).toString('base64url')}`;
}

export type SessionTicketCheck = 'ok' | 'expired' | 'invalid';

/** Check a ticket against what it must be bound to, at `now`, comparing the MAC in constant time. */
export function verifySessionTicket(
  secret: Buffer,
  binding: TicketBinding,
  ticket: string,
  now: number,
): SessionTicketCheck {
  const m = /^t1\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!m) return 'invalid';
  const expiresAt = parseInt(m[1]!, 36);
  const expected = mac(secret, binding, expiresAt);
  const given = Buffer.from(m[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return expiresAt > now ? 'ok' : 'expired';
}
