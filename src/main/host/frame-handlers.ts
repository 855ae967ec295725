import {
  CLOSE_CODES,
  DEFAULT_SEARCH_RESULTS,
  ERROR_CODES,
  MAX_PAGE_SIZE,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOLS,
  type ClientFrameOf,
  type ClientFrameType,
  type ErrorCode,
  type HostFrameOf,
} from '../../shared/protocol/index.ts';
import { joinTokenSecret, verifyJoinToken } from '../discovery/join-token.ts';
import type { HostContext } from './host-context.ts';
import { verifyPassword } from './password.ts';
import type { Room } from './room.ts';
import { deviceTagOf, type Session } from './session.ts';

type Handler<T extends ClientFrameType> = (
  ctx: HostContext,
  session: Session,
  frame: ClientFrameOf<T>,
) => void | Promise<void>;

type ErrorExtra = Omit<HostFrameOf<'error'>, 'type' | 'code' | 'message'>;

/** Reply with an error frame; `message` defaults to the code's documented meaning. */
export function sendError(
  session: Session,
  code: ErrorCode,
  extra: ErrorExtra = {},
  message: string = ERROR_CODES[code],
): void {
  session.send({ type: 'error', code, message, ...extra });
}

/** The joined room a frame names, or an error back to the client and undefined. */
function joinedRoom(session: Session, room: string, extra: ErrorExtra): Room | undefined {
  const joined = session.rooms.get(room);
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
  session.nick = frame.nick;
  session.deviceId = frame.deviceId;
  session.deviceTag = deviceTagOf(frame.deviceId);
  session.have = frame.have;
  const { maxFrameBytes, ratePerSecond, rateBurst, historyPageSize, heartbeatIntervalMs } = ctx.limits;
  session.send({
    type: 'welcome',
    protocol: PROTOCOL_VERSION,
    host: ctx.identity,
    member: session.id,
    device: session.deviceTag,
    limits: { maxFrameBytes, ratePerSecond, rateBurst, historyPageSize, heartbeatIntervalMs },
    rooms: ctx.roomInfos(),
    time: ctx.clock(),
  });
};

const rooms: Handler<'rooms'> = (ctx, session, frame) => {
  session.send({ type: 'rooms', ref: frame.ref, rooms: ctx.roomInfos() });
};

/** Check the room password, with backoff per address and room. True when the join may go on. */
async function passwordAccepted(
  ctx: HostContext,
  session: Session,
  room: Room,
  frame: ClientFrameOf<'join'>,
): Promise<boolean> {
  if (room.passwordHash === null) return true;
  const echo = { ref: frame.ref, room: room.name };
  if (frame.password === undefined && frame.token === undefined) {
    sendError(session, 'password_required', echo);
    return false;
  }
  const key = `${session.address}|${room.name}`;
  const wait = ctx.backoff.waitFor(key, ctx.clock());
  if (wait > 0) {
    sendError(session, 'auth_backoff', { ...echo, retryAfterMs: wait });
    return false;
  }
  // An invite's join token stands in for the password; a bad one counts as a wrong password.
  const token =
    frame.token === undefined
      ? undefined
      : verifyJoinToken(joinTokenSecret(ctx.store), room.name, frame.token, room.passwordHash, ctx.clock());
  if (token === 'ok' || (frame.password !== undefined && (await verifyPassword(frame.password, room.passwordHash)))) {
    ctx.backoff.succeeded(key);
    return true;
  }
  ctx.backoff.failed(key, ctx.clock());
  const message =
    frame.password === undefined ? `The join token is ${token === 'expired' ? 'expired' : 'not valid'}.` : undefined;
  sendError(session, 'wrong_password', { ...echo, retryAfterMs: ctx.backoff.waitFor(key, ctx.clock()) }, message);
  return false;
}

const join: Handler<'join'> = (ctx, session, frame) => {
  const room = ctx.rooms.get(frame.room);
  if (!room) return sendError(session, 'room_not_found', { ref: frame.ref, room: frame.room });
  // Open rooms and rejoins are admitted at once, so a frame right behind the join finds it done.
  if (session.rooms.has(room.name)) return admit(ctx, session, room, frame);
  // Joins still checking a password count against the cap, so concurrent joins cannot pass it.
  if (session.rooms.size + session.pendingJoins.size >= ctx.limits.maxRoomsPerConnection) {
    return sendError(session, 'too_many_rooms', { ref: frame.ref, room: room.name });
  }
  if (room.passwordHash === null) return admit(ctx, session, room, frame);
  session.pendingJoins.add(room.name);
  return passwordAccepted(ctx, session, room, frame)
    .then((accepted) => {
      if (accepted && session.open) admit(ctx, session, room, frame);
    })
    .finally(() => session.pendingJoins.delete(room.name));
};

/** Put the session in the room, reply `joined`, tell the others, and send the first page it missed. */
function admit(ctx: HostContext, session: Session, room: Room, frame: ClientFrameOf<'join'>): void {
  const fresh = !session.rooms.has(room.name);
  room.members.set(session.id, session);
  session.rooms.set(room.name, room);
  const head = ctx.store.head(room.id);
  session.send({ type: 'joined', ref: frame.ref, room: room.name, head, members: room.memberList() });
  if (fresh) {
    const member = { id: session.id, nick: session.nick };
    room.broadcast({ type: 'presence', room: room.name, event: 'join', member }, session);
  }
  // hello.have speaks for the first join of a room only; later joins say `since` themselves.
  const since = frame.since ?? session.have[room.name];
  delete session.have[room.name];
  if (since !== undefined && since < head) {
    // Bounded by head: what comes later arrives live as `message`, so nothing is sent twice.
    const limit = Math.min(ctx.limits.historyPageSize, MAX_PAGE_SIZE);
    const page = ctx.store.after(room.id, since, limit, head + 1);
    session.send({ type: 'history', ref: frame.ref, room: room.name, ...page });
  }
}

/** Take a session out of a room and tell the others. Used by `leave` and on disconnect. */
export function removeFromRoom(session: Session, room: Room): void {
  room.members.delete(session.id);
  session.rooms.delete(room.name);
  room.broadcast({ type: 'presence', room: room.name, event: 'leave', member: { id: session.id, nick: session.nick } });
}

const leave: Handler<'leave'> = (_ctx, session, frame) => {
  const room = joinedRoom(session, frame.room, { ref: frame.ref });
  if (!room) return;
  removeFromRoom(session, room);
  session.send({ type: 'left', ref: frame.ref, room: room.name });
};

const nick: Handler<'nick'> = (_ctx, session, frame) => {
  const previousNick = session.nick;
  session.nick = frame.nick;
  if (previousNick === frame.nick) return;
  for (const room of session.rooms.values()) {
    room.broadcast({
      type: 'presence',
      room: room.name,
      event: 'nick',
      member: { id: session.id, nick: frame.nick },
      previousNick,
    });
  }
};

const typing: Handler<'typing'> = (_ctx, session, frame) => {
  const room = joinedRoom(session, frame.room, {});
  room?.broadcast(
    { type: 'typing', room: room.name, member: session.id, nick: session.nick, active: frame.active },
    session,
  );
};

const send: Handler<'send'> = (ctx, session, frame) => {
  const room = joinedRoom(session, frame.room, { ref: frame.ref, id: frame.id });
  if (!room) return;
  const nickAtSend = session.nick;
  const device = session.deviceTag;
  ctx.commit.append(
    { roomId: room.id, clientId: frame.id, device, nick: nickAtSend, text: frame.text, ts: ctx.clock() },
    (error, result) => {
      if (error || !result) {
        ctx.logger.error(`storing a message in ${room.name} failed: ${error?.message}`);
        return sendError(session, 'storage_failed', { ref: frame.ref, room: room.name, id: frame.id });
      }
      session.send({
        type: 'ack',
        ref: frame.ref,
        room: room.name,
        id: frame.id,
        seq: result.seq,
        ts: result.ts,
        duplicate: result.duplicate,
      });
      if (result.duplicate) return;
      room.broadcast({
        type: 'message',
        room: room.name,
        seq: result.seq,
        id: frame.id,
        from: { nick: nickAtSend, device },
        kind: 'text',
        text: frame.text,
        ts: result.ts,
      });
    },
  );
};

const history: Handler<'history'> = (ctx, session, frame) => {
  const room = joinedRoom(session, frame.room, { ref: frame.ref });
  if (!room) return;
  const limit = Math.min(frame.limit ?? ctx.limits.historyPageSize, MAX_PAGE_SIZE);
  const page =
    frame.after !== undefined
      ? ctx.store.after(room.id, frame.after, limit, frame.before)
      : ctx.store.before(room.id, frame.before, limit);
  session.send({ type: 'history', ref: frame.ref, room: room.name, ...page });
};

const search: Handler<'search'> = (ctx, session, frame) => {
  const room = joinedRoom(session, frame.room, { ref: frame.ref });
  if (!room) return;
  const messages = ctx.store.search(room.id, frame.query, frame.limit ?? DEFAULT_SEARCH_RESULTS);
  session.send({ type: 'results', ref: frame.ref, room: room.name, query: frame.query, messages });
};

const ping: Handler<'ping'> = (ctx, session, frame) => {
  session.send({ type: 'pong', ref: frame.ref, t: frame.t, time: ctx.clock() });
};

export const frameHandlers: { [T in ClientFrameType]: Handler<T> } = {
  hello,
  rooms,
  join,
  leave,
  nick,
  typing,
  send,
  history,
  search,
  ping,
};
