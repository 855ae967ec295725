import { utf8Length } from '../net/bytes.ts';

/** The longest close reason the WebSocket API accepts, in UTF-8 bytes (a close frame holds 125, 2 go to the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

export type CloseProblem = 'code' | 'reason';

/**
 * Check a close the user asks for as `WebSocket.close()` would: the code must be 1000 or
 * 3000–4999 (1001–2999 are the protocol's own, for servers and browsers to use), the reason at
 * most 123 UTF-8 bytes. Null when it is fine.
 */
export function closeProblem(code: number, reason: string): CloseProblem | null {
  if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) return 'code';
  if (utf8Length(reason) > MAX_CLOSE_REASON_BYTES) return 'reason';
  return null;
}
