import type { ClientFrameInput } from '../../../../shared/protocol/index.ts';

const HIDDEN = '•••';

/**
 * A copy of an outgoing frame fit for the inspector: join tokens, session tickets, SCRAM proofs and
 * the private device id blanked (a password never is in a frame at all).
 */
export function redactFrame(frame: ClientFrameInput): ClientFrameInput {
  if (frame.type === 'hello') return { ...frame, deviceId: HIDDEN };
  if (frame.type === 'join') {
    return {
      ...frame,
      ...(frame.token !== undefined ? { token: HIDDEN } : {}),
      ...(frame.ticket !== undefined ? { ticket: HIDDEN } : {}),
    };
  }
  if (frame.type === 'auth-proof')
    return { ...frame, clientFinal: frame.clientFinal.replace(/,p=.*$/, `,p=${HIDDEN}`) };
  return frame;
}
