import { checkExpiringMac, formatExpiringMac, macOfFields, type ExpiringMacCheck } from './expiring-mac.ts';

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
  return macOfFields(secret, [
    'tincan-ticket',
    SESSION_TICKET_VERSION,
    b.hostId,
    b.room,
    b.device,
    expiresAt,
    b.verifier,
  ]);
}

export function issueSessionTicket(secret: Buffer, binding: TicketBinding, expiresAt: number): string {
  return formatExpiringMac(SESSION_TICKET_VERSION, expiresAt, mac(secret, binding, expiresAt));
}

export type SessionTicketCheck = ExpiringMacCheck;

/** Check a ticket against what it must be bound to, at `now`, comparing the MAC in constant time. */
export function verifySessionTicket(
  secret: Buffer,
  binding: TicketBinding,
  ticket: string,
  now: number,
): SessionTicketCheck {
  return checkExpiringMac(SESSION_TICKET_VERSION, ticket, now, (expiresAt) => mac(secret, binding, expiresAt));
}
