/**
 * Encode a server-to-client WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked) as one
 * buffer. A broadcast encodes once and writes the same bytes to every member's socket, instead of
 * letting the WebSocket library frame the payload again for each member.
 */
export function encodeTextFrame(payload: string): Buffer {
  const length = Buffer.byteLength(payload);
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(payload, headerLength, 'utf8');
  return frame;
}
