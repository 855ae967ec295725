// The host's thread: runs one HostServer off the main thread, so SQLite commits and socket work never
// stall the desktop app's UI. Driven by HostController through the messages in worker-messages.ts.
import { parentPort } from 'node:worker_threads';
import { createInvite, rankInterfaces } from '../discovery/index.ts';
import { HostServer, type Announced } from '../host/index.ts';
import type { AnnouncementRequest, FeedRequest, FeedResult } from '../../shared/ipc.ts';
import { FeedService, splitCommand } from '../feeds/index.ts';
import type { Logger } from '../logger.ts';
import type { ModerationResult, ModerationView } from '../../shared/moderation.ts';
import { createCertificate, fingerprintOf, loadOrCreateCertificate } from '../tls/index.ts';
import { HostAnnouncer, usableInterfaces } from './host-announcer.ts';
import { runModerationCall, type ModerationCall } from './moderation-call.ts';
import {
  workerRequest,
  type WorkerFailure,
  type WorkerHostConfig,
  type WorkerInvite,
  type WorkerMessage,
  type WorkerRequest,
  type WorkerSnapshot,
} from './worker-messages.ts';

if (!parentPort) throw new Error('host-worker.ts runs as a worker thread, started by HostController');
const port = parentPort;

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

const logger: Logger = {
  info: (message) => post({ type: 'log', level: 'info', message }),
  warn: (message) => post({ type: 'log', level: 'warn', message }),
  error: (message) => post({ type: 'log', level: 'error', message }),
};

let host: HostServer | null = null;
/** Announces the host on the LAN while it runs; undefined when announcing is off. */
let announcer: HostAnnouncer | undefined;
/** The adapters to announce on (the `announceInterfaces` setting; empty: the recommended ones). */
let announceInterfaces: string[] = [];

function snapshot(server: HostServer): WorkerSnapshot {
  return {
    port: server.port,
    rooms: server.rooms(),
    hostId: server.identity.id,
    announcing: announcer ? announcer.state : null,
    fingerprint: fingerprintOf(server.certificate!.cert),
    tls: server.options.tls !== null,
  };
}

/** A request the person can act on failed: the message is shown as is. */
function refuse(message: string): never {
  throw new Error(message);
}

/** An invite to `room`, carrying the addresses of the adapters announced on (the recommended ones when none is). */
function invite(server: HostServer, room: string): WorkerInvite {
  if (!server.rooms().some((r) => r.name === room))
    refuse(`There is no room named ${JSON.stringify(room)} on this host`);
  const ranked = rankInterfaces();
  const interfaces = usableInterfaces(ranked, announceInterfaces).names;
  try {
    const { url, expiresAt } = createInvite(server, { room, interfaces, ranked });
    return { url, expiresAt };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    refuse(`Could not make an invite: ${message}`);
  }
}

function failureOf(error: unknown): WorkerFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? { message, code } : { message };
}

async function start(config: WorkerHostConfig): Promise<WorkerSnapshot> {
  if (host) return snapshot(host);
  // The host's identity, TLS or not: kept in its data folder (a host kept in memory gets a new one each start).
  const certificate = config.dataDir
    ? await loadOrCreateCertificate(config.dataDir, config.hostName)
    : await createCertificate(config.hostName);
  const keys = { key: certificate.key, cert: certificate.cert };
  const server = new HostServer({
    certificate: keys,
    // The same port answers plain HTTP too, so phones open invite links without a certificate warning.
    ...(config.tls ? { tls: { ...keys, alsoPlain: true } } : {}),
    port: config.port,
    bind: config.bind,
    dataDir: config.dataDir,
    webRoot: config.webRoot,
    hostName: config.hostName,
    allowedOrigins: config.allowedOrigins,
    logger,
  });
  try {
    for (const room of config.rooms) await server.createRoom(room.name, { password: room.password });
    await server.listen();
  } catch (error) {
    await server.close().catch(() => {});
    throw error;
  }
  host = server;
  if (config.announce) {
    announceInterfaces = [...config.announce.interfaces];
    announcer = new HostAnnouncer(server, { interfaces: announceInterfaces, logger });
    // Never fails the start: trouble is logged and shows in the snapshot's `announcing`.
    await announcer.start();
  }
  return snapshot(server);
}

type Answer = {
  snapshot: WorkerSnapshot | null;
  invite?: WorkerInvite;
  announced?: Announced[];
  feed?: FeedResult;
  view?: ModerationView;
  moderated?: ModerationResult;
};

async function handle(request: WorkerRequest): Promise<Answer> {
  if (request.type === 'create-invite') return inviteAnswer(request.room);
  if (request.type === 'post-announcement') return announcementAnswer(request.announcement);
  if (request.type === 'attach-feed') return feedAnswer(request.feed);
  if (request.type === 'moderation') return moderationAnswer(request.call);
  return { snapshot: await update(request) };
}

async function moderationAnswer(call: ModerationCall): Promise<Answer> {
  const server = host ?? refuse('The host is not running: start hosting first');
  try {
    return { snapshot: snapshot(server), ...(await runModerationCall(server.moderation, call)) };
  } catch (error) {
    // ModerationError says what to fix (no such member, a bad range …); anything else is a bug, said as such.
    refuse(error instanceof Error ? error.message : String(error));
  }
}

/** The host's feed service, made with the first feed (most hosts never run one). */
let feeds: FeedService | undefined;

function feedAnswer({ room, command, stdin }: FeedRequest): Answer {
  const server = host ?? refuse('The host is not running: start hosting first');
  if (!server.rooms().some((r) => r.name === room))
    refuse(`There is no room named ${JSON.stringify(room)} on this host`);
  let argv: string[];
  try {
    argv = splitCommand(command);
  } catch (error) {
    refuse(`The command cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  feeds ??= new FeedService({
    hub: server.hub,
    hostName: server.identity.name,
    connections: () => server.connectionCount,
    logger,
  });
  const feed = feeds.addCommand(room, argv, { stdin });
  return { snapshot: snapshot(server), feed: { name: feed.name, room } };
}

async function announcementAnswer({ text, level, room }: AnnouncementRequest): Promise<Answer> {
  const server = host ?? refuse('The host is not running: start hosting first');
  try {
    const announced = await server.announce(text, { level, ...(room === undefined ? {} : { room }) });
    return { snapshot: snapshot(server), announced };
  } catch (error) {
    refuse(`Could not post the announcement: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function inviteAnswer(room: string): Answer {
  const server = host ?? refuse('The host is not running: start hosting first');
  return { snapshot: snapshot(server), invite: invite(server, room) };
}

async function update(
  request: Exclude<WorkerRequest, { type: 'create-invite' | 'post-announcement' | 'attach-feed' | 'moderation' }>,
): Promise<WorkerSnapshot | null> {
  switch (request.type) {
    case 'start':
      return start(request.config);
    case 'create-room': {
      if (!host) throw new Error('The host is not running');
      await host.createRoom(request.room.name, { password: request.room.password });
      // Re-announce the rooms now rather than on the next tick; not awaited, so creating a room never
      // waits on the network (the announcer's queue keeps it in order with a stop).
      void announcer?.refresh();
      return snapshot(host);
    }
    case 'rooms':
      return host ? snapshot(host) : null;
    case 'announce':
      announceInterfaces = [...request.interfaces];
      await announcer?.setInterfaces(announceInterfaces);
      return host ? snapshot(host) : null;
    case 'stop': {
      const closing = host;
      const quieting = announcer;
      host = null;
      announcer = undefined;
      const stopping = feeds;
      feeds = undefined;
      await stopping?.close();
      // Say goodbye on the LAN first, so joiners drop the host before its connections close.
      await quieting?.stop();
      await closing?.close();
      return null;
    }
  }
}

port.on('message', (data: unknown) => {
  const parsed = workerRequest.safeParse(data);
  if (!parsed.success) {
    const id = (data as { id?: unknown } | null)?.id;
    const message = `invalid request to the host worker: ${parsed.error.issues[0]?.message ?? 'unknown'}`;
    if (Number.isInteger(id) && (id as number) > 0) post({ type: 'failed', id: id as number, error: { message } });
    else logger.error(message);
    return;
  }
  const request = parsed.data;
  handle(request).then(
    (answer) => post({ type: 'done', id: request.id, ...answer }),
    (error: unknown) => post({ type: 'failed', id: request.id, error: failureOf(error) }),
  );
});
