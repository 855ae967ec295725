import { z } from 'zod';
import { deviceTag, memberId } from './protocol/host-frames.ts';
import { moderationReason } from './protocol/moderation-body.ts';
import { roomName, timestamp } from './protocol/fields.ts';

/**
 * The host operator's moderation contract: the live view of who is connected and the actions on it.
 * One set of schemas for every way in — the headless host's admin HTTP API, the desktop app's IPC
 * and its host worker — so each boundary validates the same shapes. Plain data, no Node.
 */

/** Longest ban or mute, in ms (one year). Absent means until lifted. */
export const MAX_MODERATION_DURATION_MS = 365 * 24 * 60 * 60 * 1000;
/** Shortest ban or mute, in ms. */
export const MIN_MODERATION_DURATION_MS = 1000;
/** Bans the host keeps at once; more are refused (lift one first). */
export const MAX_BANS = 1000;
/** Mutes the host keeps at once. */
export const MAX_MUTES = 1000;

export const moderationDuration = z.int().min(MIN_MODERATION_DURATION_MS).max(MAX_MODERATION_DURATION_MS);

/**
 * An IPv4 or IPv6 address, or a range of them in CIDR form (`10.0.0.0/24`, `fd00::/8`). This is a
 * shape check; the host parses it exactly and refuses what is not an address.
 */
export const addressRange = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/, 'must be an IP address or a CIDR range such as 10.0.0.0/24');

/** Traffic of one connection in one direction: totals since the operator first looked at it, and rates over the last second or so. */
export const trafficInfo = z.object({
  messages: z.int().min(0),
  bytes: z.int().min(0),
  messagesPerSecond: z.number().min(0),
  bytesPerSecond: z.number().min(0),
});

/** One open connection, as the operator sees it. */
export const connectionInfo = z.object({
  member: memberId,
  /** Empty before `hello`. */
  nick: z.string().max(32),
  /** The device tag from `hello` (empty before it). */
  device: z.string().max(32),
  address: z.string().max(64),
  rooms: z.array(roomName),
  connectedAt: timestamp,
  greeted: z.boolean(),
  /** Round-trip time of the last heartbeat ping, in ms; null before the first pong. */
  rttMs: z.number().min(0).nullable(),
  /** Bytes queued for it and not yet sent. */
  bufferedAmount: z.int().min(0),
  in: trafficInfo,
  out: trafficInfo,
});

export const banInfo = z.object({
  id: z.int().min(1),
  /** Exactly one of the two. */
  device: deviceTag.optional(),
  range: addressRange.optional(),
  reason: z.string(),
  createdAt: timestamp,
  /** Null: until lifted. */
  until: timestamp.nullable(),
  /** A device ban: the nickname last seen with the device (now, or when banned); absent when the host knows none. */
  nick: z.string().max(32).optional(),
});

export const muteInfo = z.object({
  room: roomName,
  device: deviceTag,
  reason: z.string(),
  createdAt: timestamp,
  until: timestamp.nullable(),
  /** The nickname last seen with the device (connected now, or when muted); absent when the host knows none. */
  nick: z.string().max(32).optional(),
});

/** Everything the operator's table shows, read at `at`. */
export const moderationView = z.object({
  at: timestamp,
  connections: z.array(connectionInfo).max(100_000),
  bans: z.array(banInfo).max(MAX_BANS),
  mutes: z.array(muteInfo).max(MAX_MUTES),
  /** Admin API only: the address the view was asked from (the operator's own, as the host sees it). */
  viewer: z.string().max(64).optional(),
});

const reasonField = { reason: moderationReason.optional() };

export const kickRequest = z.strictObject({ member: memberId, ...reasonField });

/**
 * A device an operator names: a tag as this host makes them (16 lowercase hex digits). Anything else
 * could match no one, and would be written into the moderation record every member reads.
 */
export const namedDevice = deviceTag.regex(/^[0-9a-f]{16}$/, 'must be a device tag: 16 lowercase hex digits');

/** Whom to ban: a connected member's device, a device tag, or an address range. Exactly one. */
export const banRequest = z
  .strictObject({
    member: memberId.optional(),
    device: namedDevice.optional(),
    range: addressRange.optional(),
    durationMs: moderationDuration.optional(),
    ...reasonField,
  })
  .refine((r) => [r.member, r.device, r.range].filter((x) => x !== undefined).length === 1, {
    message: 'name exactly one of member, device and range',
  });

export const unbanRequest = z.strictObject({ id: z.int().min(1) });

/** Whom to mute in `room`: a connected member's device, or a device tag. Exactly one. */
export const muteRequest = z
  .strictObject({
    room: roomName,
    member: memberId.optional(),
    device: namedDevice.optional(),
    durationMs: moderationDuration.optional(),
    ...reasonField,
  })
  .refine((r) => (r.member === undefined) !== (r.device === undefined), {
    message: 'name exactly one of member and device',
  });

export const unmuteRequest = z.strictObject({ room: roomName, device: namedDevice });

/** What an action did: the connections it closed and where it was recorded (room and seq). */
export const moderationResult = z.object({
  closed: z.int().min(0),
  recorded: z.array(z.object({ room: roomName, seq: z.int().min(1) })).max(10_000),
  ban: banInfo.optional(),
  mute: muteInfo.optional(),
});

export type TrafficInfo = z.infer<typeof trafficInfo>;
export type ConnectionInfo = z.infer<typeof connectionInfo>;
export type BanInfo = z.infer<typeof banInfo>;
export type MuteInfo = z.infer<typeof muteInfo>;
export type ModerationView = z.infer<typeof moderationView>;
export type KickRequest = z.infer<typeof kickRequest>;
export type BanRequest = z.infer<typeof banRequest>;
export type UnbanRequest = z.infer<typeof unbanRequest>;
export type MuteRequest = z.infer<typeof muteRequest>;
export type UnmuteRequest = z.infer<typeof unmuteRequest>;
export type ModerationResult = z.infer<typeof moderationResult>;
