import {
  CLOSE_CODES,
  DEFAULT_SEARCH_RESULTS,
  MAX_PAGE_SIZE,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOLS,
  type ClientFrameOf,
  type ClientFrameType,
  type HostFrameOf,
} from '../../shared/protocol/index.ts';
import { feedInput } from '../feeds/index.ts';
import { fileTextHandlers } from '../files/index.ts';
import { answerChallenge, sendChallenge } from './auth/scram-frames.ts';
import type { HostContext } from './host-context.ts';
import { refuseBanned, refusedAsMuted } from './moderation/refusals.ts';
import type { Room } from './rooms/room.ts';
import { sendError, type ErrorExtra } from './send-error.ts';
import { deviceTagOf, type Session } from './session.ts';

/** Handles one decoded text frame of type T. The dispatch table below has one per client frame type. */
type Handler<T extends ClientFrameType> = (
  ctx: HostContext,
  session: Session,
  frame: ClientFrameOf<T>,
) => void | Promise<void>;

/** The joined room a frame names, or an error back to the client and undefined. */
function joinedRoom(ctx: HostContext, session: Session, room: string, extra: ErrorExtra): Room | undefined {
  const joined = ctx.hub.joinedRoom(session, room);
  if (!joined) sendError(session, 'not_joined', { ...extra, room });
  return joined;
}

const hello: Handler<'hello'> = (ctx, session, frame) => {
  if (session.greeted) return sendError(session, 'already_greeted');
  if (!SUPPORTED_PROTOCOLS.includes(frame.protocol)) {
    sendError(
      session,
      'unsupported_protocol',
      {},
      `protocol ${frame.protocol} is not supported; this host speaks ${SUPPORTED_PROTOCOLS.join(', ')}`,
    );
    session.ws.close(CLOSE_CODES.unsupportedProtocol, 'unsupported protocol');
    return;
  }
  session.greeted = true;
  clearTimeout(session.helloTimer); // one timer less per idle connection
  session.helloTimer = undefined;
  session.nick = frame.nick;
  session.deviceTag = deviceTagOf(frame.deviceId);
  const ban = ctx.moderation.deviceBan(session.deviceTag);
  if (ban) return refuseBanned(session, ban);
  if (Object.keys(frame.have).length > 0) session.have = frame.have;
  const { limits } = ctx;
  session.send({
    type: 'welcome',
    protocol: PROTOCOL_VERSION,
    host: ctx.identity,
    member: session.id,
    device: session.deviceTag,
    limits: {
      maxFrameBytes: limits.maxFrameBytes,
      maxChunkBytes: limits.maxChunkBytes,
      maxFileBytes: limits.maxFileBytes,
      ratePerSecond: limits.ratePerSecond,
      rateBurst: limits.rateBurst,
      textBytesPerSecond: limits.textBytesPerSecond,
      binaryBytesPerSecond: limits.binaryBytesPerSecond,
      historyPageSize: limits.historyPageSize,
      heartbeatIntervalMs: limits.heartbeatIntervalMs,
    },
    rooms: ctx.roomInfos(),
    time: ctx.clock(),
  });
};

const rooms: Handler<'rooms'> = (ctx, session, frame) => {
  session.send({ type: 'rooms', ref: frame.ref, rooms: ctx.roomInfos() });
};

const join: Handler<'join'> = (ctx, session, frame) => {
  // Refused whatever the room: a client that sends its password in clear must learn to stop.
  if (frame.password !== undefined)
    return sendError(session, 'password_in_clear', { ref: frame.ref, room: frame.room });
  const room = ctx.hub.get(frame.room);
  if (!room) return sendError(session, 'room_not_found', { ref: frame.ref, room: frame.room });
  // Open rooms and rejoins are admitted at once, so a frame right behind the join finds it done.
  if (ctx.hub.isIn(session, room)) return admit(ctx, session, room, frame);
  // Joins still checking a password count against the cap, so concurrent joins cannot pass it.
  if (ctx.hub.roomsOf(session).length + session.pendingJoinCount >= ctx.limits.maxRoomsPerConnection) {
    return sendError(session, 'too_many_rooms', { ref: frame.ref, room: room.name });
  }
  if (!room.locked) return admit(ctx, session, room, frame);
  // One password check per room at a time on a connection: a repeat is refused without touching
  // the pending set (its `finally` would end the first check's count early).
  if (session.pendingJoins.has(room.name)) {
    return sendError(session, 'auth_backoff', {
      ref: frame.ref,
      room: room.name,
      retryAfterMs: ctx.limits.passwordBackoffBaseMs,
    });
  }
  if (frame.auth) return sendChallenge(ctx, session, room, { ...frame, auth: frame.auth }); // SCRAM: auth/scram-join.ts
  // A token or a ticket; the address is already a peer address (upgrade-gate.ts).
  const refusal = ctx.access.check(session.address, room, {
    token: frame.token,
    ticket: frame.ticket,
    device: session.deviceTag,
  });
  if (!refusal) return admit(ctx, session, room, frame);
  const { code, message, ...extra } = refusal;
  sendError(session, code, { ref: frame.ref, room: room.name, ...extra }, message);
};

const authProof: Handler<'auth-proof'> = (ctx, session, frame) =>
  answerChallenge(ctx, session, frame, (room, { since, joined }) =>
    admit(ctx, session, room, { ref: frame.ref, since }, joined),
  );

/** Put the session in the room, reply `joined` (with `joinedExtra`), and send the first page it missed. */
function admit(
  ctx: HostContext,
  session: Session,
  room: Room,
  frame: { ref?: string | undefined; since?: number | undefined },
  joinedExtra: Pick<HostFrameOf<'joined'>, 'serverFinal' | 'ticket' | 'ticketExpiresAt'> = {},
): void {
  const head = ctx.hub.head(room);
  ctx.hub.join(room, session); // tells the others; a rejoin changes nothing
  // The member list includes the joiner; presence that follows it is news.
  session.send({
    type: 'joined',
    ref: frame.ref,
    room: room.name,
    head,
    members: room.memberList(),
    fileKey: ctx.files.keyFor(room),
    ...joinedExtra,
  });
  // hello.have speaks for the first join of a room only; later joins say `since` themselves.
  const since = frame.since ?? session.have?.[room.name];
  if (session.have) {
    delete session.have[room.name];
    if (Object.keys(session.have).length === 0) session.have = undefined;
  }
  if (since !== undefined && since < head) {
    // Bounded by head: what comes later arrives live as `message`, so nothing is sent twice.
    const limit = Math.min(ctx.limits.historyPageSize, MAX_PAGE_SIZE);
    const page = ctx.hub.after(room, since, limit, head + 1, pageBytesFor(ctx, session));
    session.send({ type: 'history', ref: frame.ref, room: room.name, ...page });
  }
}

/** Room left under the slow-consumer cap when a page is queued: a client resuming many rooms at once is not dropped. */
const PAGE_HEADROOM_BYTES = 256 * 1024;
const MIN_PAGE_BYTES = 64 * 1024;

/** How many bytes the next page for `session` may hold: maxPageBytes, or less when its queue is already full. */
function pageBytesFor(ctx: HostContext, session: Session): number {
  const room = ctx.limits.maxBufferedBytes - session.queuedBytes - PAGE_HEADROOM_BYTES;
  return Math.max(MIN_PAGE_BYTES, Math.min(ctx.limits.maxPageBytes, room));
}

const leave: Handler<'leave'> = (ctx, session, frame) => {
  const room = joinedRoom(ctx, session, frame.room, { ref: frame.ref });
  if (!room) return;
  ctx.hub.leave(room, session);
  session.send({ type: 'left', ref: frame.ref, room: room.name });
};

const nick: Handler<'nick'> = (ctx, session, frame) => {
  const previousNick = session.nick;
  if (previousNick === frame.nick) return;
  // A rename is a presence broadcast in every joined room: each room past the first costs a frame token.
  const now = ctx.clock();
  for (let i = 1; i < ctx.hub.roomsOf(session).length; i++) {
    const wait = session.budget.frame(now);
    if (wait > 0) return sendError(session, 'rate_limited', { ref: frame.ref, retryAfterMs: wait });
  }
  session.nick = frame.nick;
  ctx.hub.renamed(session, previousNick);
};

const typing: Handler<'typing'> = (ctx, session, frame) => {
  const room = joinedRoom(ctx, session, frame.room, {});
  if (!room || refusedAsMuted(ctx, session, room, {})) return;
  ctx.hub.broadcast(
    room,
    { type: 'typing', room: room.name, member: session.id, nick: session.nick, active: frame.active },
    session,
  );
};

const send: Handler<'send'> = (ctx, session, frame) => {
  const room = joinedRoom(ctx, session, frame.room, { ref: frame.ref, id: frame.id });
  if (!room || refusedAsMuted(ctx, session, room, { ref: frame.ref, id: frame.id })) return;
  ctx.hub.post(
    room,
    {
      content: { kind: 'text', text: frame.text },
      from: { nick: session.nick, device: session.deviceTag, source: 'member' },
      id: frame.id,
      // The `send` frame's text was decoded with the same schema as the text kind's.
      checked: true,
    },
    (error, result) => {
      if (error || !result)
        return sendError(session, 'storage_failed', { ref: frame.ref, room: room.name, id: frame.id });
      session.send({
        type: 'ack',
        ref: frame.ref,
        room: room.name,
        id: frame.id,
        seq: result.seq,
        ts: result.ts,
        duplicate: result.duplicate,
      });
    },
  );
};

const history: Handler<'history'> = (ctx, session, frame) => {
  const room = joinedRoom(ctx, session, frame.room, { ref: frame.ref });
  if (!room) return;
  const limit = Math.min(frame.limit ?? ctx.limits.historyPageSize, MAX_PAGE_SIZE);
  const bytes = pageBytesFor(ctx, session);
  const page =
    frame.after !== undefined
      ? ctx.hub.after(room, frame.after, limit, frame.before, bytes)
      : ctx.hub.before(room, frame.before, limit, bytes);
  session.send({ type: 'history', ref: frame.ref, room: room.name, ...page });
};

/**
 * Searches only the named joined room, bounded by candidates, one search per turn of the event
 * loop (search-queue.ts), and charged by the time it took to the connection and the host.
 */
const search: Handler<'search'> = (ctx, session, frame) => {
  const room = joinedRoom(ctx, session, frame.room, { ref: frame.ref });
  if (!room) return;
  const about = { ref: frame.ref, room: room.name };
  const queued = ctx.searchQueue.add(session, () => {
    if (!session.open || !ctx.hub.isIn(session, room)) return;
    // Runs later, outside the frame's dispatch: a failure is answered here (and logged by the queue).
    try {
      runSearch(ctx, session, room, frame);
    } catch (error) {
      sendError(session, 'internal', about);
      throw error;
    }
  });
  if (!queued) sendError(session, 'rate_limited', { ...about, retryAfterMs: SEARCH_BUSY_RETRY_MS });
};

function runSearch(ctx: HostContext, session: Session, room: Room, frame: ClientFrameOf<'search'>): void {
  const wait = ctx.searchBudget.wait(session, ctx.clock());
  if (wait > 0) return sendError(session, 'rate_limited', { ref: frame.ref, room: room.name, retryAfterMs: wait });
  const started = performance.now();
  const limit = frame.limit ?? DEFAULT_SEARCH_RESULTS;
  const { messages, more } = ctx.hub.search(room, frame.query, limit, ctx.limits.searchCandidates);
  ctx.searchBudget.charge(session, performance.now() - started, ctx.clock());
  session.send({ type: 'results', ref: frame.ref, room: room.name, query: frame.query, messages, more });
}

/** What a connection that already has searches waiting is told to wait. */
const SEARCH_BUSY_RETRY_MS = 50;

const ping: Handler<'ping'> = (ctx, session, frame) => {
  session.send({ type: 'pong', ref: frame.ref, t: frame.t, time: ctx.clock() });
};

/** One handler per client frame type: adding a type to the protocol without a handler fails to compile. */
export const textHandlers: { [T in ClientFrameType]: Handler<T> } = {
  hello,
  rooms,
  join,
  'auth-proof': authProof,
  leave,
  nick,
  typing,
  send,
  history,
  search,
  ping,
  'feed-input': (ctx, session, frame) => feedInput(ctx, session, frame), // late-bound: feeds import the host too
  upload: (ctx, session, frame) => fileTextHandlers.upload(ctx, session, frame), // late-bound: files import the host too
  'upload-end': (ctx, session, frame) => fileTextHandlers['upload-end'](ctx, session, frame),
  'upload-cancel': (ctx, session, frame) => fileTextHandlers['upload-cancel'](ctx, session, frame),
  'file-status': (ctx, session, frame) => fileTextHandlers['file-status'](ctx, session, frame),
};
