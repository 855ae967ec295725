import { ERROR_CODES, type ClientFrameOf, type ErrorCode, type HostFrame } from '../../shared/protocol/index.ts';
import { refusedAsMuted, type HostContext } from '../host/index.ts';
import type { FeedViewer } from './feed.ts';
import { feedServiceOf } from './feed-service.ts';

/** What the handler needs of a member's connection (the host's Session is one). */
export type FeedSession = FeedViewer & {
  readonly nick: string;
  readonly deviceTag: string;
  send(frame: HostFrame): void;
};

/**
 * `feed-input`: a member types a line into a feed's standard input. Checked in order: the member is
 * in the room, the feed exists there, the member may type into it, its process runs. Then the line
 * is stored in the room (a `feed` message from the member, stream `in`), written to the process
 * once it is stored, and acked; a retry of the same id is acked again and not written twice.
 */
/** Bytes typed into a feed that its process may leave unread before members are told to wait. */
export const MAX_STDIN_BACKLOG_BYTES = 64 * 1024;
const STDIN_BACKLOG_RETRY_MS = 1000;

export function feedInput(ctx: HostContext, session: FeedSession, frame: ClientFrameOf<'feed-input'>): void {
  const refuse = (code: ErrorCode) =>
    session.send({ type: 'error', code, message: ERROR_CODES[code], ref: frame.ref, room: frame.room, id: frame.id });
  const room = ctx.hub.joinedRoom(session, frame.room);
  if (!room) return refuse('not_joined');
  // What a muted member types would be stored in the room like a message: refused the same way.
  if (refusedAsMuted(ctx, session, room, { ref: frame.ref, id: frame.id })) return;
  const feed = feedServiceOf(ctx.hub)?.find(room.name, frame.feed);
  if (!feed) return refuse('feed_not_found');
  if (!feed.canWrite(session)) return refuse('feed_input_denied');
  if (!feed.source.running) return refuse('feed_not_running');
  // A process that does not read its stdin must not make the host hold what members type into it.
  if (feed.source.stdinBacklog > MAX_STDIN_BACKLOG_BYTES) {
    return session.send({
      type: 'error',
      code: 'rate_limited',
      message: 'The process is not reading its input; wait and type again.',
      ref: frame.ref,
      room: frame.room,
      id: frame.id,
      retryAfterMs: STDIN_BACKLOG_RETRY_MS,
    });
  }
  ctx.hub.post(
    room,
    {
      content: {
        kind: 'feed',
        text: `> ${frame.text}`,
        body: { feed: feed.name, lines: [{ text: frame.text, stream: 'in' }] },
      },
      from: { nick: session.nick, device: session.deviceTag, source: 'member' },
      id: frame.id,
    },
    (error, result) => {
      if (error || !result) return refuse('storage_failed');
      if (!result.duplicate) feed.source.write(frame.text);
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
}
