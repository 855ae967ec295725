import { z } from 'zod';
import { challengeFrame, joinedAuthFields } from './auth-frames.ts';
import { ERROR_CODE_LIST } from './error-codes.ts';
import { feedFrame, skippedFrame } from './feed-frames.ts';
import { fileStateFrame, fileStatusFrame, uploadReplyFrame } from './file-frames.ts';
import { nickname, ref, roomName, seq, timestamp } from './fields.ts';
import { messageSources } from './message-kinds.ts';

/** A connection's public id on this host, fresh for every connection. */
export const memberId = z.string().min(1).max(32);
/** A stable, public tag for a device (derived from its private device id); lets a client spot its own messages. */
export const deviceTag = z.string().min(1).max(32);

export const member = z.object({ id: memberId, nick: nickname });

export const roomInfo = z.object({
  name: roomName,
  /** Sequence number of the newest message (0 for an empty room). */
  head: seq,
  /** Members present now. */
  members: z.int().min(0),
  /** True when joining needs a password. */
  locked: z.boolean(),
});

/**
 * Who posted a message. `device` is a member's device tag; posts from the host carry the reserved
 * tag `host`, which no device tag can equal (those are 16 hex digits). A `source` this client does
 * not know reads as `host`, and a message without one (an older host) as `member`.
 */
export const messageFrom = z.object({
  nick: nickname,
  device: deviceTag,
  /** Absent for members' posts (the common case, so it costs no bytes there). */
  source: z.enum(messageSources).catch('host').optional(),
});

/**
 * A stored message as every client sees it. `kind` names its schema (message-kinds.ts); a kind
 * this client does not know is read, not refused, so the seq still counts and `text` is shown.
 */
export const storedMessage = z.object({
  seq: seq.min(1),
  id: z.string(),
  from: messageFrom,
  kind: z.string().min(1).max(32),
  /** The message itself for `text`; a readable fallback for every other kind. */
  text: z.string(),
  /** Kind-specific fields; absent for `text`. */
  body: z.record(z.string(), z.unknown()).optional(),
  ts: timestamp,
});

export const welcomeFrame = z.object({
  type: z.literal('welcome'),
  protocol: z.int(),
  host: z.object({ id: z.string(), name: z.string() }),
  /** This connection's member id. */
  member: memberId,
  /** This device's public tag, as it appears in `from.device`. */
  device: deviceTag,
  /** The host's limits that shape what a client sends (see docs/protocol.md). */
  limits: z.object({
    maxFrameBytes: z.int(),
    /** Largest binary frame payload (after the 25-byte header). Absent from hosts before binary frames. */
    maxChunkBytes: z.int().optional(),
    ratePerSecond: z.number(),
    rateBurst: z.int(),
    /** Byte budgets, charged before decoding. Absent from hosts before byte budgets. */
    textBytesPerSecond: z.number().optional(),
    binaryBytesPerSecond: z.number().optional(),
    historyPageSize: z.int(),
    heartbeatIntervalMs: z.int(),
    /** Largest file an `upload` may offer, in bytes. Absent from hosts before files. */
    maxFileBytes: z.int().optional(),
  }),
  rooms: z.array(roomInfo),
  time: timestamp,
});

export const roomListFrame = z.object({ type: z.literal('rooms'), ref: ref.optional(), rooms: z.array(roomInfo) });

export const joinedFrame = z.object({
  type: z.literal('joined'),
  ref: ref.optional(),
  room: roomName,
  head: seq,
  members: z.array(member),
  /** The key of this room's file URLs (`/files/<file>?key=…`). Absent from hosts before files. */
  fileKey: z.string().optional(),
  ...joinedAuthFields,
});

export const leftFrame = z.object({ type: z.literal('left'), ref: ref.optional(), room: roomName });

export const presenceFrame = z.object({
  type: z.literal('presence'),
  room: roomName,
  event: z.enum(['join', 'leave', 'nick']),
  member,
  /** The old nickname, on `nick` events. */
  previousNick: nickname.optional(),
});

export const typingNoticeFrame = z.object({
  type: z.literal('typing'),
  room: roomName,
  member: memberId,
  nick: nickname,
  active: z.boolean(),
});

/** Sent to the sender only after the message is durably stored. */
export const ackFrame = z.object({
  type: z.literal('ack'),
  ref: ref.optional(),
  room: roomName,
  id: z.string(),
  seq: seq.min(1),
  ts: timestamp,
  /** True when this `id` was stored before: a retry, not broadcast again. */
  duplicate: z.boolean(),
});

/** A new message, broadcast to every member of the room (the sender included). */
export const messageFrame = storedMessage.extend({ type: z.literal('message'), room: roomName });

export const historyPageFrame = z.object({
  type: z.literal('history'),
  ref: ref.optional(),
  room: roomName,
  /** Oldest first. */
  messages: z.array(storedMessage),
  /** True when more messages lie further in the direction that was asked for. */
  more: z.boolean(),
});

export const searchResultsFrame = z.object({
  type: z.literal('results'),
  ref: ref.optional(),
  room: roomName,
  query: z.string(),
  /** Best match first. */
  messages: z.array(storedMessage),
  /** True when more messages may match: the limit was reached, or only the newest matches were ranked. */
  more: z.boolean().optional(),
});

/** A notice from the host to everyone connected (shutdown, maintenance, …). */
export const announceFrame = z.object({
  type: z.literal('announce'),
  text: z.string(),
  /** A level this client does not know reads as 'info'. */
  level: z.enum(['info', 'warning']).catch('info'),
  ts: timestamp,
});

export const errorFrame = z.object({
  type: z.literal('error'),
  code: z.enum(ERROR_CODE_LIST).catch('internal'),
  message: z.string(),
  ref: ref.optional(),
  /** The room and message id the error is about, when it is about a `send`. */
  room: roomName.optional(),
  id: z.string().optional(),
  retryAfterMs: z.int().min(0).optional(),
});

export const pongFrame = z.object({ type: z.literal('pong'), ref: ref.optional(), t: z.number(), time: timestamp });

export const hostFrameSchemas = {
  welcome: welcomeFrame,
  rooms: roomListFrame,
  challenge: challengeFrame,
  joined: joinedFrame,
  left: leftFrame,
  presence: presenceFrame,
  typing: typingNoticeFrame,
  ack: ackFrame,
  message: messageFrame,
  history: historyPageFrame,
  results: searchResultsFrame,
  announce: announceFrame,
  error: errorFrame,
  pong: pongFrame,
  feed: feedFrame,
  skipped: skippedFrame,
  upload: uploadReplyFrame,
  'file-state': fileStateFrame,
  'file-status': fileStatusFrame,
} as const;

export type HostFrameType = keyof typeof hostFrameSchemas;
export type HostFrameOf<T extends HostFrameType> = z.infer<(typeof hostFrameSchemas)[T]>;
export type HostFrame = { [T in HostFrameType]: HostFrameOf<T> }[HostFrameType];
export type Member = z.infer<typeof member>;
export type RoomInfo = z.infer<typeof roomInfo>;
export type StoredMessage = z.infer<typeof storedMessage>;
