import { describe, expect, it } from 'vitest';
import {
  BINARY_HEADER_BYTES,
  binaryIdHex,
  decodeBinaryFrame,
  encodeBinaryFrame,
} from '../../../src/shared/protocol/index.ts';

const id = Uint8Array.from({ length: 16 }, (_, i) => i * 17);

describe('binary frames', () => {
  it('round-trip type, id, offset and payload through the 25-byte header', () => {
    const payload = Uint8Array.from([0, 255, 1, 254]);
    const bytes = encodeBinaryFrame({ type: 0x01, id, offset: 2 ** 40 + 3, payload });
    expect(bytes.length).toBe(BINARY_HEADER_BYTES + 4);
    expect(bytes[0]).toBe(1);
    expect(Buffer.from(bytes.subarray(17, 25)).readBigUInt64BE()).toBe(BigInt(2 ** 40 + 3));
    const decoded = decodeBinaryFrame(bytes);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.frame.type).toBe(1);
    expect([...decoded.frame.id]).toEqual([...id]);
    expect(decoded.frame.offset).toBe(2 ** 40 + 3);
    expect([...decoded.frame.payload]).toEqual([0, 255, 1, 254]);
  });

  it('decodes a header with an empty payload, and refuses one byte less', () => {
    const exact = encodeBinaryFrame({ type: 7, id, offset: 0, payload: new Uint8Array() });
    expect(decodeBinaryFrame(exact)).toMatchObject({ ok: true, frame: { type: 7, offset: 0 } });
    expect(decodeBinaryFrame(exact.subarray(0, BINARY_HEADER_BYTES - 1))).toMatchObject({ ok: false });
  });

  it('refuses an offset past 2^53 - 1, accepts 2^53 - 1', () => {
    const bytes = encodeBinaryFrame({ type: 1, id, offset: Number.MAX_SAFE_INTEGER, payload: new Uint8Array() });
    expect(decodeBinaryFrame(bytes)).toMatchObject({ ok: true, frame: { offset: Number.MAX_SAFE_INTEGER } });
    new DataView(bytes.buffer).setBigUint64(17, BigInt(Number.MAX_SAFE_INTEGER) + 1n);
    expect(decodeBinaryFrame(bytes)).toMatchObject({ ok: false, message: expect.stringContaining('offset') });
  });

  it('reads a header inside a larger buffer (a Node Buffer from a pool)', () => {
    const frame = encodeBinaryFrame({ type: 2, id, offset: 9, payload: Uint8Array.from([5]) });
    const pooled = Buffer.concat([Buffer.alloc(3), Buffer.from(frame)]).subarray(3);
    expect(decodeBinaryFrame(pooled)).toMatchObject({ ok: true, frame: { type: 2, offset: 9 } });
  });

  it('refuses to encode a bad header', () => {
    expect(() => encodeBinaryFrame({ type: 256, id, offset: 0, payload: new Uint8Array() })).toThrow(RangeError);
    expect(() => encodeBinaryFrame({ type: 1, id: id.subarray(1), offset: 0, payload: new Uint8Array() })).toThrow(
      RangeError,
    );
    expect(() => encodeBinaryFrame({ type: 1, id, offset: -1, payload: new Uint8Array() })).toThrow(RangeError);
  });

  it('quotes ids as 32 hex digits', () => {
    expect(binaryIdHex(id)).toBe('00112233445566778899aabbccddeeff');
  });
});
