import { z } from 'zod';
import { parseClientFinal, parseClientFirst, parseServerFinal, parseServerFirst, SCRAM_MECHANISM } from '../scram.ts';
import { ref, roomName } from './fields.ts';

/** Longest SCRAM message a frame may carry, in UTF-16 units (a 64-unit room name escapes to 192 at most). */
export const MAX_SCRAM_MESSAGE_LENGTH = 512;

function scramMessage(parse: (message: string) => unknown, what: string) {
  return z
    .string()
    .max(MAX_SCRAM_MESSAGE_LENGTH)
    .refine((s) => parse(s) !== null, `must be a SCRAM-SHA-256 ${what} message (RFC 5802)`);
}

/** A session ticket from `joined`: opaque to clients, checked by the host that issued it. */
export const sessionTicket = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ., _ or -');

/** `join.auth`: the first SCRAM message. Its user name must be the room's name. */
export const joinAuth = z.object({
  mechanism: z.literal(SCRAM_MECHANISM),
  clientFirst: scramMessage(parseClientFirst, 'client-first'),
});

/** The client's answer to a `challenge`: the SCRAM client-final message, carrying the proof. */
export const authProofFrame = z.object({
  type: z.literal('auth-proof'),
  ref: ref.optional(),
  room: roomName,
  clientFinal: scramMessage(parseClientFinal, 'client-final'),
});

/** The host's answer to `join.auth`: the SCRAM server-first message (nonce, salt, iteration count). */
export const challengeFrame = z.object({
  type: z.literal('challenge'),
  ref: ref.optional(),
  room: roomName,
  mechanism: z.literal(SCRAM_MECHANISM),
  serverFirst: scramMessage(parseServerFirst, 'server-first'),
});

/** What `joined` adds after a SCRAM join: the host's proof, and a ticket for the next joins. */
export const joinedAuthFields = {
  /** The SCRAM server-final message: `v=` and the ServerSignature. */
  serverFinal: scramMessage(parseServerFinal, 'server-final').optional(),
  /** Presented as `join.ticket` on later joins of this room from this device, instead of the password. */
  ticket: sessionTicket.optional(),
  /** When the ticket stops working, ms since the epoch. */
  ticketExpiresAt: z.int().min(0).optional(),
};
