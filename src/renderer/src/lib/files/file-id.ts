import { BINARY_ID_BYTES } from '../../../../shared/protocol/binary-frames.ts';

/** A file id (32 hex digits) as the 16 bytes a binary frame carries. */
export function fileIdBytes(fileId: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/.test(fileId)) throw new RangeError('a file id is 32 lowercase hex digits');
  const bytes = new Uint8Array(BINARY_ID_BYTES);
  for (let i = 0; i < BINARY_ID_BYTES; i++) bytes[i] = parseInt(fileId.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
