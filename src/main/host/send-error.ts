import { ERROR_CODES, type ErrorCode, type HostFrameOf } from '../../shared/protocol/index.ts';
import type { Session } from './session.ts';

export type ErrorExtra = Omit<HostFrameOf<'error'>, 'type' | 'code' | 'message'>;

/** Reply with an error frame; `message` defaults to the code's documented meaning. */
export function sendError(
  session: Pick<Session, 'send'>,
  code: ErrorCode,
  extra: ErrorExtra = {},
  message: string = ERROR_CODES[code],
): void {
  session.send({ type: 'error', code, message, ...extra });
}
