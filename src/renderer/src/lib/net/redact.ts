import type { ClientFrameInput } from '../../../../shared/protocol/index.ts';

const HIDDEN = '•••';

/** A copy of an outgoing frame fit for the inspector: passwords, join tokens and the private device id blanked. */
export function redactFrame(frame: ClientFrameInput): ClientFrameInput {
  if (frame.type === 'hello') return { ...frame, deviceId: HIDDEN };
  if (frame.type === 'join') {
    return {
      ...frame,
      ...(frame.password !== undefined ? { password: HIDDEN } : {}),
      ...(frame.token !== undefined ? { token: HIDDEN } : {}),
    };
  }
  return frame;
}
