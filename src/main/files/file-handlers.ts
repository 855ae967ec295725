import type { BinaryFrame, ClientFrameOf } from '../../shared/protocol/index.ts';
import { refusedAsMuted, sendError, type HostContext } from '../host/index.ts';
import type { FileSession } from './file-service.ts';

/**
 * The frames of docs/protocol.md "Files", from the host's dispatch to the file service. Each checks
 * what the frame names is in reach (a joined room) and hands over; the service does the rest.
 */
export const fileTextHandlers = {
  upload(ctx: HostContext, session: FileSession, frame: ClientFrameOf<'upload'>) {
    const room = ctx.hub.joinedRoom(session, frame.room);
    if (!room) return sendError(session, 'not_joined', { ref: frame.ref, room: frame.room, id: frame.id });
    // A file is a post like any other: a device the operator muted in the room offers none (nor resumes one).
    if (refusedAsMuted(ctx, session, room, { ref: frame.ref, id: frame.id })) return;
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
    if (!room) return sendError(session, 'not_joined', { ref: frame.ref, room: frame.room });
    ctx.files.status(session, room, frame);
  },
};

/** Binary type `fileChunk`. */
export function fileChunk(ctx: HostContext, session: FileSession, frame: BinaryFrame): void {
  ctx.files.chunk(session, frame);
}
