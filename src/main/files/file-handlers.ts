import { ERROR_CODES, type BinaryFrame, type ClientFrameOf } from '../../shared/protocol/index.ts';
import type { HostContext } from '../host/index.ts';
import type { FileSession } from './file-service.ts';

/**
 * The frames of docs/protocol.md "Files", from the host's dispatch to the file service. Each checks
 * what the frame names is in reach (a joined room) and hands over; the service does the rest.
 */
export const fileTextHandlers = {
  upload(ctx: HostContext, session: FileSession, frame: ClientFrameOf<'upload'>) {
    const room = ctx.hub.joinedRoom(session, frame.room);
    if (!room) return notJoined(session, frame.ref, frame.room, frame.id);
    // A file is a post like any other: a device the operator muted in the room offers none (nor resumes one).
    const mutedFor = ctx.moderation.muteWait(room.name, session.deviceTag);
    if (mutedFor !== null) return muted(session, frame.ref, room.name, frame.id, mutedFor);
    return ctx.files.offer(session, room, frame);
  },
  'upload-end'(ctx: HostContext, session: FileSession, frame: ClientFrameOf<'upload-end'>) {
    return ctx.files.end(session, frame);
  },
  'upload-cancel'(ctx: HostContext, session: FileSession, frame: ClientFrameOf<'upload-cancel'>) {
    return ctx.files.cancel(session, frame);
  },
  'file-status'(ctx: HostContext, session: FileSession, frame: ClientFrameOf<'file-status'>) {
    const room = ctx.hub.joinedRoom(session, frame.room);
    if (!room) return notJoined(session, frame.ref, frame.room);
    ctx.files.status(session, room, frame);
  },
};

/** Binary type `fileChunk`. */
export function fileChunk(ctx: HostContext, session: FileSession, frame: BinaryFrame): void {
  ctx.files.chunk(session, frame);
}

function muted(session: FileSession, ref: string | undefined, room: string, id: string, wait: number): void {
  session.send({
    type: 'error',
    code: 'muted',
    message: ERROR_CODES.muted,
    room,
    id,
    ...(ref === undefined ? {} : { ref }),
    ...(Number.isFinite(wait) ? { retryAfterMs: Math.max(0, Math.ceil(wait)) } : {}),
  });
}

function notJoined(session: FileSession, ref: string | undefined, room: string, id?: string): void {
  session.send({
    type: 'error',
    code: 'not_joined',
    message: ERROR_CODES.not_joined,
    room,
    ...(ref === undefined ? {} : { ref }),
    ...(id === undefined ? {} : { id }),
  });
}
