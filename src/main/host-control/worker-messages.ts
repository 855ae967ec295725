import { z } from 'zod';
import {
  announcementRequest,
  announcementResult,
  feedRequest,
  feedResult,
  hostedRoom,
  interfaceName,
} from '../../shared/ipc.ts';
import { moderationResult, moderationView } from '../../shared/moderation.ts';
import { roomInfo, roomName } from '../../shared/protocol/index.ts';
import { moderationCall } from './moderation-call.ts';

/**
 * Messages between the HostController (main thread) and the host worker. Each side validates what it
 * receives against these schemas, like any other boundary.
 */

const requestId = z.int().min(1);

/** What the worker needs to build a HostServer (the rest of HostOptions keeps its defaults). */
export const workerHostConfig = z.object({
  port: z.int().min(0).max(65535),
  bind: z.string().min(1),
  dataDir: z.string().min(1).nullable(),
  webRoot: z.string().min(1).nullable(),
  hostName: z.string().min(1).max(64),
  allowedOrigins: z.array(z.string().min(1)),
  rooms: z.array(hostedRoom),
  /** Announce the host on the LAN (mDNS and the beacon) on these adapters (empty: the recommended ones); null: not at all. */
  announce: z.object({ interfaces: z.array(interfaceName).max(16) }).nullable(),
  /** Speak TLS on the port (plain HTTP kept for browser guests on the same port). */
  tls: z.boolean().default(false),
});

/** Controller → worker. Every request gets exactly one answer, `done` or `failed`, with the same id. */
export const workerRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), id: requestId, config: workerHostConfig }),
  z.object({ type: z.literal('create-room'), id: requestId, room: hostedRoom }),
  z.object({ type: z.literal('rooms'), id: requestId }),
  /** Announce on other adapters from now on (ignored when announcing is off). */
  z.object({ type: z.literal('announce'), id: requestId, interfaces: z.array(interfaceName).max(16) }),
  /** An invite link to a room; the answer carries `invite`. */
  z.object({ type: z.literal('create-invite'), id: requestId, room: roomName }),
  /** Post an operator announcement; the answer carries `announced`. */
  z.object({ type: z.literal('post-announcement'), id: requestId, announcement: announcementRequest }),
  /** Run a command as a feed of a room; the answer carries `feed`. */
  z.object({ type: z.literal('attach-feed'), id: requestId, feed: feedRequest }),
  /** The moderation view or an action on it; the answer carries `view` or `moderated`. */
  z.object({ type: z.literal('moderation'), id: requestId, call: moderationCall }),
  z.object({ type: z.literal('stop'), id: requestId }),
]);

/** Where the host is announced: adapter names, and why nothing (or less than asked) is, in plain words. */
export const workerAnnounceState = z.object({ interfaces: z.array(z.string()), note: z.string().optional() });

/**
 * The host as the worker sees it after a request: the bound port, the rooms, the host's stable id
 * (so this app leaves its own host out of the discovered ones) and where it is announced (null: off).
 */
export const workerSnapshot = z.object({
  port: z.int().min(1).max(65535),
  rooms: z.array(roomInfo),
  hostId: z.string().min(1).max(64),
  announcing: workerAnnounceState.nullable(),
  /** SHA-256 of the host's certificate (64 hex), and whether its port speaks TLS. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  tls: z.boolean(),
});

/** An invite link made by the worker: the URL and when its join token expires (null: no password, no expiry). */
export const workerInvite = z.object({ url: z.string().min(1), expiresAt: z.int().min(0).nullable() });

/** Why a request failed: the message, and the Node error code when there is one (`EADDRINUSE` …). */
export const workerFailure = z.object({ message: z.string(), code: z.string().optional() });

/** Worker → controller. */
export const workerMessage = z.discriminatedUnion('type', [
  /** The request succeeded; the snapshot is null once the host has stopped. `create-invite` adds the invite. */
  z.object({
    type: z.literal('done'),
    id: requestId,
    snapshot: workerSnapshot.nullable(),
    invite: workerInvite.optional(),
    announced: announcementResult.optional(),
    feed: feedResult.optional(),
    view: moderationView.optional(),
    moderated: moderationResult.optional(),
  }),
  z.object({ type: z.literal('failed'), id: requestId, error: workerFailure }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
]);

export type WorkerHostConfig = z.infer<typeof workerHostConfig>;
export type WorkerRequest = z.infer<typeof workerRequest>;
export type WorkerMessage = z.infer<typeof workerMessage>;
export type WorkerSnapshot = z.infer<typeof workerSnapshot>;
export type WorkerAnnounceState = z.infer<typeof workerAnnounceState>;
export type WorkerInvite = z.infer<typeof workerInvite>;
export type WorkerDone = Extract<WorkerMessage, { type: 'done' }>;
export type WorkerFailure = z.infer<typeof workerFailure>;
