import { SCRAM_MECHANISM } from '../../../shared/scram.ts';
import type { ClientFrameOf } from '../../../shared/protocol/index.ts';
import type { HostContext } from '../host-context.ts';
import type { Room } from '../rooms/room.ts';
import { sendError } from '../send-error.ts';
import type { Session } from '../session.ts';
import type { ScramAdmission } from './scram-join.ts';

/** `join` with `auth` for a locked room: reply `challenge`, or the error saying why not. */
export function sendChallenge(
  ctx: HostContext,
  session: Session,
  room: Room,
  frame: ClientFrameOf<'join'> & { auth: { clientFirst: string } },
): void {
  const result = ctx.scram.challenge(session, room, frame.auth.clientFirst, frame.since);
  if (typeof result !== 'string') {
    const { code, message, ...extra } = result;
    return sendError(session, code, { ref: frame.ref, room: room.name, ...extra }, message);
  }
  session.send({ type: 'challenge', ref: frame.ref, room: room.name, mechanism: SCRAM_MECHANISM, serverFirst: result });
}

/**
 * `auth-proof`: check it against the open challenge, then `admit` (which replies `joined` with the
 * fields the admission adds) or reply the error. The join stays pending, against the room cap,
 * until this ends.
 */
export async function answerChallenge(
  ctx: HostContext,
  session: Session,
  frame: ClientFrameOf<'auth-proof'>,
  admit: (room: Room, admission: ScramAdmission) => void,
): Promise<void> {
  const pending = session.pendingJoins.has(frame.room);
  try {
    const result = await ctx.scram.prove(session, frame.room, ctx.hub.get(frame.room), frame.clientFinal);
    if ('code' in result) {
      const { code, message, ...extra } = result;
      return sendError(session, code, { ref: frame.ref, room: frame.room, ...extra }, message);
    }
    const room = ctx.hub.get(frame.room);
    if (room && session.open) admit(room, result);
  } finally {
    if (pending) session.pendingJoins.delete(frame.room);
  }
}
