/** Bytes a WebSocket close reason may take (a control frame's 125, less the 2-byte code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * `text` cut to fit a close frame's reason: at most 123 UTF-8 bytes, cut between characters (never
 * inside one), with an ellipsis when cut. The whole reason is in the room's moderation message.
 */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CLOSE_REASON_BYTES) return text;
  const budget = MAX_CLOSE_REASON_BYTES - Buffer.byteLength('…');
  let cut = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > budget) break;
    cut += char;
    bytes += size;
  }
  return `${cut}…`;
}
