/**
 * Binary WebSocket frames (client → host), for file chunks and whatever else moves bytes. Every
 * binary frame starts with the same 25-byte header, big-endian:
 *
 *   offset  size  field
 *   0       1     type    what the frame is (BINARY_TYPES); the host dispatches on it
 *   1       16    id      the transfer it belongs to (e.g. an upload id the host gave out)
 *   17      8     offset  where `payload` starts within that transfer, in bytes (unsigned, ≤ 2^53 − 1)
 *   25      …     payload up to `maxChunkBytes` (welcome.limits)
 *
 * Plain Uint8Array/DataView, so the host, the renderer and the browser build share it.
 */

export const BINARY_HEADER_BYTES = 25;
export const BINARY_ID_BYTES = 16;

/** Binary frame types. A type with no handler on a host is answered with `binary_unsupported`. */
export const BINARY_TYPES = {
  /** A piece of a file upload: `id` is the upload, `offset` the byte the payload starts at. */
  fileChunk: 0x01,
} as const;

export interface BinaryFrame {
  type: number;
  /** 16 bytes. */
  id: Uint8Array;
  offset: number;
  payload: Uint8Array;
}

export type DecodedBinary = { ok: true; frame: BinaryFrame } | { ok: false; message: string };

/** Split a binary frame into header fields and payload (views, no copy). Never throws. */
export function decodeBinaryFrame(bytes: Uint8Array): DecodedBinary {
  if (bytes.length < BINARY_HEADER_BYTES) {
    return { ok: false, message: `binary frame is ${bytes.length} bytes; the header alone is ${BINARY_HEADER_BYTES}` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = view.getBigUint64(1 + BINARY_ID_BYTES);
  if (offset > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, message: 'binary frame offset is above 2^53 - 1' };
  }
  return {
    ok: true,
    frame: {
      type: bytes[0]!,
      id: bytes.subarray(1, 1 + BINARY_ID_BYTES),
      offset: Number(offset),
      payload: bytes.subarray(BINARY_HEADER_BYTES),
    },
  };
}

/** Build a binary frame: header then payload, in one buffer. */
export function encodeBinaryFrame(frame: BinaryFrame): Uint8Array {
  if (!Number.isInteger(frame.type) || frame.type < 0 || frame.type > 255) throw new RangeError('type is one byte');
  if (frame.id.length !== BINARY_ID_BYTES) throw new RangeError(`id is ${BINARY_ID_BYTES} bytes`);
  if (!Number.isSafeInteger(frame.offset) || frame.offset < 0) throw new RangeError('offset is a whole number ≥ 0');
  const out = new Uint8Array(BINARY_HEADER_BYTES + frame.payload.length);
  out[0] = frame.type;
  out.set(frame.id, 1);
  new DataView(out.buffer).setBigUint64(1 + BINARY_ID_BYTES, BigInt(frame.offset));
  out.set(frame.payload, BINARY_HEADER_BYTES);
  return out;
}

/** The id as 32 lowercase hex digits, as error frames quote it. */
export function binaryIdHex(id: Uint8Array): string {
  let hex = '';
  for (const byte of id) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
