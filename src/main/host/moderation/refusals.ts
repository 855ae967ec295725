import { CLOSE_CODES } from '../../../shared/protocol/index.ts';
import type { HostContext } from '../host-context.ts';
import type { Room } from '../rooms/room.ts';
import { sendError, type ErrorExtra } from '../send-error.ts';
import type { Session } from '../session.ts';
import { closeReason } from './close-reason.ts';
import type { BanRefusal } from './moderation-checks.ts';

/** Tell a banned connection why (`banned`, with the wait), then close it with 4004. */
export function refuseBanned(session: Session, refusal: BanRefusal, reason = ''): void {
  const wait = refusal.retryAfterMs === undefined ? {} : { retryAfterMs: Math.max(0, Math.ceil(refusal.retryAfterMs)) };
  sendError(session, 'banned', wait, refusal.message);
  session.ws.close(CLOSE_CODES.banned, closeReason(reason ? `banned: ${reason}` : 'banned'));
}

/**
 * True (and `muted` sent back) when the session's device is muted in `room`: its frame is refused,
 * nothing stored or broadcast. Any connection that sends frames (a feed's input too) may ask.
 */
export function refusedAsMuted(
  ctx: HostContext,
  session: Pick<Session, 'deviceTag' | 'send'>,
  room: Pick<Room, 'name'>,
  extra: ErrorExtra,
): boolean {
  const wait = ctx.moderation.muteWait(room.name, session.deviceTag);
  if (wait === null) return false;
  sendError(session, 'muted', {
    ...extra,
    room: room.name,
    ...(Number.isFinite(wait) ? { retryAfterMs: Math.max(0, Math.ceil(wait)) } : {}),
  });
  return true;
}
