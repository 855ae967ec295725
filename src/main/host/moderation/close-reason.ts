import { cutUtf8 } from '../../../shared/cut-text.ts';

/** Bytes a WebSocket close reason may take (a control frame's 125, less the 2-byte code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * `text` cut to fit a close frame's reason: at most 123 UTF-8 bytes, cut between characters (never
 * inside one), with an ellipsis when cut. The whole reason is in the room's moderation message.
 */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CLOSE_REASON_BYTES) return text;
  return `${cutUtf8(text, MAX_CLOSE_REASON_BYTES - Buffer.byteLength('…'))}…`;
}
