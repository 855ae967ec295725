import { describe, expect, it } from 'vitest';
import {
  AUTO_DRAW_MAX_BYTES,
  AUTO_DRAW_MAX_PIXELS,
  drawsAtOnce,
  fitBox,
} from '../../../../src/renderer/src/lib/files/image-size.ts';
import { RateMeter } from '../../../../src/renderer/src/lib/files/transfer-rate.ts';
import { percentOf } from '../../../../src/renderer/src/lib/files/transfer-words.ts';
import { fileIdBytes } from '../../../../src/renderer/src/lib/files/file-id.ts';
import { createSha256, sha256Prefix } from '../../../../src/renderer/src/lib/files/sha256.ts';
import { createHash } from 'node:crypto';

describe('fitBox', () => {
  const max = { width: 360, height: 260 };
  it('scales a large image down to fit, keeping its shape, and never scales up', () => {
    expect(fitBox({ width: 800, height: 400 }, max)).toEqual({ width: 360, height: 180 });
    expect(fitBox({ width: 400, height: 2000 }, max)).toEqual({ width: 52, height: 260 });
    expect(fitBox({ width: 40, height: 30 }, max)).toEqual({ width: 40, height: 30 });
    expect(fitBox({ width: 65_535, height: 1 }, max)).toEqual({ width: 360, height: 1 });
  });
  it('reserves a fixed box when the size is unknown', () => {
    expect(fitBox(undefined, max)).toEqual({ width: 270, height: 195 });
  });
});

describe('RateMeter', () => {
  it('measures bytes per second over a moving window, and starts over after going back', () => {
    const meter = new RateMeter();
    expect(meter.sample(0, 0)).toBe(0);
    expect(meter.sample(1000, 500)).toBe(2000);
    expect(meter.sample(3000, 1000)).toBe(3000);
    // Past the window, old samples go: a stall reads as 0.
    expect(meter.sample(3000, 4000)).toBe(0);
    expect(meter.sample(100, 4100)).toBe(0); // a resume from lower down
    expect(meter.sample(1100, 4600)).toBe(2000);
  });
});

describe('percentOf', () => {
  it('is 100 only at the end', () => {
    expect(percentOf(0, 10)).toBe(0);
    expect(percentOf(9_999, 10_000)).toBe(99);
    expect(percentOf(10_000, 10_000)).toBe(100);
    expect(percentOf(0, 0)).toBe(100);
  });
});

describe('fileIdBytes', () => {
  it('turns 32 hex digits into the 16 bytes of a binary frame, and refuses anything else', () => {
    expect([...fileIdBytes('00112233445566778899aabbccddeeff')]).toEqual([
      0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    ]);
    expect(() => fileIdBytes('00112233445566778899AABBCCDDEEFF')).toThrow(RangeError);
    expect(() => fileIdBytes('0011')).toThrow(RangeError);
  });
});

describe('sha256 streams', () => {
  const bytes = new Uint8Array(5 * 1024 * 1024 + 3).map((_, i) => (i * 7) & 255);
  const expected = (n: number) => createHash('sha256').update(bytes.subarray(0, n)).digest('hex');

  it('hash in pieces what node:crypto hashes whole', async () => {
    const hash = await createSha256();
    for (let at = 0; at < bytes.length; at += 100_000) hash.update(bytes.subarray(at, at + 100_000));
    expect(hash.length).toBe(bytes.length);
    expect(hash.hex()).toBe(expected(bytes.length));
  });

  it('hash a prefix of a Blob (the bytes the host already has), and stop when no longer wanted', async () => {
    const blob = new Blob([bytes]);
    const done: number[] = [];
    const prefix = await sha256Prefix(
      blob,
      4_500_001,
      () => true,
      (n) => done.push(n),
    );
    expect(prefix!.length).toBe(4_500_001);
    expect(done.at(-1)).toBe(4_500_001);
    prefix!.update(bytes.subarray(4_500_001));
    expect(prefix!.hex()).toBe(expected(bytes.length));
    expect(await sha256Prefix(blob, 4_500_001, () => false)).toBeNull();
    // From a checkpoint: the same hash, reading only what follows it.
    const head = await createSha256();
    head.update(bytes.subarray(0, 1_000_000));
    const checkpoint = head.save();
    const read: number[] = [];
    const resumed = await sha256Prefix(
      blob,
      4_500_001,
      () => true,
      (n) => read.push(n),
      checkpoint,
    );
    expect(read[0]).toBeGreaterThan(1_000_000);
    resumed!.update(bytes.subarray(4_500_001));
    expect(resumed!.hex()).toBe(expected(bytes.length));
    const carried = await createSha256(checkpoint);
    carried.update(bytes.subarray(1_000_000, 2_000_000));
    expect(carried.length).toBe(2_000_000);
    expect(carried.hex()).toBe(expected(2_000_000));
    expect((await sha256Prefix(blob, 0))!.hex()).toBe(expected(0));
  });
});

describe('drawsAtOnce', () => {
  it('draws images at once up to 8 MiB and 16 megapixels, and asks first past either', () => {
    expect(drawsAtOnce(AUTO_DRAW_MAX_BYTES, { width: 4000, height: 4000 })).toBe(true);
    expect(drawsAtOnce(AUTO_DRAW_MAX_BYTES + 1, { width: 10, height: 10 })).toBe(false);
    expect(drawsAtOnce(1000, { width: 4000, height: 4001 })).toBe(false); // one row of pixels too many
    expect(AUTO_DRAW_MAX_PIXELS).toBe(16_000_000);
    expect(drawsAtOnce(1000, undefined)).toBe(true); // no size told: small bytes decide
  });
});
