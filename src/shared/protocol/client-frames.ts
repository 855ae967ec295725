import { z } from 'zod';
import { authProofFrame, joinAuth, sessionTicket } from './auth-frames.ts';
import { feedInputFrame } from './feed-frames.ts';
import { fileStatusRequestFrame, uploadCancelFrame, uploadEndFrame, uploadFrame } from './file-frames.ts';
import {
  chatText,
  clientMessageId,
  deviceId,
  MAX_PAGE_SIZE,
  MAX_QUERY_LENGTH,
  MAX_SEARCH_RESULTS,
  nickname,
  plainText,
  ref,
  roomName,
  seq,
} from './fields.ts';

/** Rooms a `hello` may list in `have`. */
export const MAX_HAVE_ROOMS = 64;

/** First frame on every connection: who is speaking, which protocol, and what it already holds. */
export const helloFrame = z.object({
  type: z.literal('hello'),
  protocol: z.int().min(1),
  client: z.object({ name: plainText(1, 64), version: plainText(0, 32).default('') }),
  deviceId,
  nick: nickname,
  /** Last sequence number the client holds per room, so the host can say what is new. */
  // The count is checked before any key is: validating thousands of names costs milliseconds.
  have: z
    .custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length <= MAX_HAVE_ROOMS,
      `must be an object of at most ${MAX_HAVE_ROOMS} rooms`,
    )
    .pipe(z.record(roomName, seq))
    .default({}),
});

export const roomsFrame = z.object({ type: z.literal('rooms'), ref: ref.optional() });

/** A join token from an invite link: opaque to clients, checked by the host that issued it. */
export const joinToken = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ., _ or -');

/**
 * Join a room. With `since`, the host follows `joined` with the first page of what came after it.
 * A locked room takes one of: `auth` (SCRAM, answered by a `challenge`), an invite `token`, or the
 * `ticket` of an earlier SCRAM join. `password` is read only to be refused: no password in clear.
 */
export const joinFrame = z
  .object({
    type: z.literal('join'),
    ref: ref.optional(),
    room: roomName,
    auth: joinAuth.optional(),
    token: joinToken.optional(),
    ticket: sessionTicket.optional(),
    password: z.unknown().optional(),
    since: seq.optional(),
  })
  .refine((f) => [f.auth, f.token, f.ticket].filter((c) => c !== undefined).length <= 1, {
    message: 'at most one of `auth`, `token` and `ticket`',
    path: ['auth'],
  });

export const leaveFrame = z.object({ type: z.literal('leave'), ref: ref.optional(), room: roomName });

/** Change this connection's nickname in every room it has joined. */
export const nickFrame = z.object({ type: z.literal('nick'), ref: ref.optional(), nick: nickname });

export const typingFrame = z.object({ type: z.literal('typing'), room: roomName, active: z.boolean() });

/** Send a chat message. `id` is the client's own; a retry with the same `id` is acked, not stored again. */
export const sendFrame = z.object({
  type: z.literal('send'),
  ref: ref.optional(),
  room: roomName,
  id: clientMessageId,
  text: chatText,
});

/**
 * A page of history. `after` alone pages forwards (resume), `before` alone backwards (older),
 * both bound a range, neither gives the newest page. Messages always come oldest first.
 */
export const historyFrame = z
  .object({
    type: z.literal('history'),
    ref: ref.optional(),
    room: roomName,
    before: seq.optional(),
    after: seq.optional(),
    limit: z.int().min(1).max(MAX_PAGE_SIZE).optional(),
  })
  .refine((f) => f.before === undefined || f.after === undefined || f.after < f.before, {
    message: '`after` must be less than `before`',
    path: ['after'],
  });

export const searchFrame = z.object({
  type: z.literal('search'),
  ref: ref.optional(),
  room: roomName,
  query: plainText(1, MAX_QUERY_LENGTH),
  limit: z.int().min(1).max(MAX_SEARCH_RESULTS).optional(),
});

/** Application-level ping for round-trip time; browsers cannot send WebSocket pings. */
export const pingFrame = z.object({ type: z.literal('ping'), ref: ref.optional(), t: z.number() });

/** Schema for each client frame type; the host looks the schema up by `type`. */
export const clientFrameSchemas = {
  hello: helloFrame,
  rooms: roomsFrame,
  join: joinFrame,
  'auth-proof': authProofFrame,
  leave: leaveFrame,
  nick: nickFrame,
  typing: typingFrame,
  send: sendFrame,
  history: historyFrame,
  search: searchFrame,
  ping: pingFrame,
  'feed-input': feedInputFrame,
  upload: uploadFrame,
  'upload-end': uploadEndFrame,
  'upload-cancel': uploadCancelFrame,
  'file-status': fileStatusRequestFrame,
} as const;

export type ClientFrameType = keyof typeof clientFrameSchemas;
export type ClientFrameOf<T extends ClientFrameType> = z.infer<(typeof clientFrameSchemas)[T]>;
export type ClientFrame = { [T in ClientFrameType]: ClientFrameOf<T> }[ClientFrameType];
/** What a client writes: defaults may be left out. */
export type ClientFrameInput = { [T in ClientFrameType]: z.input<(typeof clientFrameSchemas)[T]> }[ClientFrameType];
