import { z } from 'zod';
import { hostedRoom } from '../../shared/ipc.ts';
import { roomInfo } from '../../shared/protocol/index.ts';

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
});

/** Controller → worker. Every request gets exactly one answer, `done` or `failed`, with the same id. */
export const workerRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), id: requestId, config: workerHostConfig }),
  z.object({ type: z.literal('create-room'), id: requestId, room: hostedRoom }),
  z.object({ type: z.literal('rooms'), id: requestId }),
  z.object({ type: z.literal('stop'), id: requestId }),
]);

/** The host as the worker sees it after a request: the bound port and the rooms. */
export const workerSnapshot = z.object({ port: z.int().min(1).max(65535), rooms: z.array(roomInfo) });

/** Why a request failed: the message, and the Node error code when there is one (`EADDRINUSE` …). */
export const workerFailure = z.object({ message: z.string(), code: z.string().optional() });

/** Worker → controller. */
export const workerMessage = z.discriminatedUnion('type', [
  /** The request succeeded; the snapshot is null once the host has stopped. */
  z.object({ type: z.literal('done'), id: requestId, snapshot: workerSnapshot.nullable() }),
  z.object({ type: z.literal('failed'), id: requestId, error: workerFailure }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
]);

export type WorkerHostConfig = z.infer<typeof workerHostConfig>;
export type WorkerRequest = z.infer<typeof workerRequest>;
export type WorkerMessage = z.infer<typeof workerMessage>;
export type WorkerSnapshot = z.infer<typeof workerSnapshot>;
export type WorkerFailure = z.infer<typeof workerFailure>;
