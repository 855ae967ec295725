import { afterEach, describe, expect, it } from 'vitest';
import {
  BINARY_HEADER_BYTES,
  BINARY_TYPES,
  binaryIdHex,
  encodeBinaryFrame,
  type BinaryFrame,
} from '../../../src/shared/protocol/index.ts';
import { startHost } from '../../helpers/host.ts';
import { TestClient } from '../../helpers/test-client.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

const id = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
/** A type byte no host feature uses (0x01 is the files service's), for handlers these tests register. */
const TEST_TYPE = 0x42;
const frame = (type: number, payload: Uint8Array, offset = 0) =>
  Buffer.from(encodeBinaryFrame({ type, id, offset, payload }));

describe('binary frames: dispatch by type byte', () => {
  it('hands a registered type its header fields and the payload byte for byte', async () => {
    h = await startHost();
    const seen: { type: number; id: string; offset: number; payload: number[]; member: string }[] = [];
    h.host.handleBinary(TEST_TYPE, (_ctx, session, f: BinaryFrame) => {
      seen.push({
        type: f.type,
        id: binaryIdHex(f.id),
        offset: f.offset,
        payload: [...f.payload],
        member: session.nick,
      });
      session.send({ type: 'pong', t: f.offset, time: 1 }); // reply through the session, as a handler would
    });
    const c = await h.client('ann');
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    c.sendRaw(frame(TEST_TYPE, payload, 4096), true);
    expect(await c.next('pong')).toMatchObject({ t: 4096 });
    expect(seen).toEqual([
      { type: TEST_TYPE, id: binaryIdHex(id), offset: 4096, payload: [...payload], member: 'ann' },
    ]);
  });

  it('answers a type with no handler with binary_unsupported, naming the type and the id, and stays open', async () => {
    h = await startHost();
    const c = await h.client();
    c.sendRaw(frame(0x7f, Uint8Array.from([1])), true);
    const error = await c.next('error');
    expect(error).toMatchObject({ code: 'binary_unsupported', id: binaryIdHex(id) });
    expect(error.message).toContain('0x7f');
    c.send({ type: 'ping', t: 1 });
    await c.next('pong');
  });

  it('refuses binary frames before hello', async () => {
    h = await startHost();
    const c = await TestClient.open(h.url);
    c.sendRaw(frame(BINARY_TYPES.fileChunk, new Uint8Array(1)), true);
    expect(await c.next('error')).toMatchObject({ code: 'hello_required' });
    await c.close();
  });

  it('refuses a second handler for one type, and a type that is not a byte', async () => {
    h = await startHost();
    h.host.handleBinary(9, () => {});
    expect(() => h.host.handleBinary(9, () => {})).toThrow('already');
    expect(() => h.host.handleBinary(256, () => {})).toThrow(RangeError);
  });

  it('a handler that throws gets the sender an internal error, and the host carries on', async () => {
    h = await startHost();
    h.host.handleBinary(3, () => {
      throw new Error('handler bug');
    });
    const c = await h.client();
    c.sendRaw(frame(3, new Uint8Array(1)), true);
    expect(await c.next('error')).toMatchObject({ code: 'internal', id: binaryIdHex(id) });
    c.send({ type: 'ping', t: 2 });
    await c.next('pong');
  });
});

describe('frame sizes at their edges', () => {
  it('takes a binary frame of exactly header + maxChunkBytes; one byte more closes with 1009', async () => {
    h = await startHost({ limits: { maxChunkBytes: 1000, maxFrameBytes: 512 } });
    let got = 0;
    h.host.handleBinary(TEST_TYPE, (_ctx, _s, f) => void (got = f.payload.length));
    const c = await h.client();
    c.sendRaw(frame(TEST_TYPE, new Uint8Array(1000)), true);
    c.send({ type: 'ping', t: 1 });
    await c.next('pong');
    expect(got).toBe(1000);
    c.sendRaw(frame(TEST_TYPE, new Uint8Array(1001)), true);
    expect((await c.closed).code).toBe(1009);
  });

  it('holds text frames to maxFrameBytes even though binary frames may be larger', async () => {
    h = await startHost({ limits: { maxChunkBytes: 4096, maxFrameBytes: 512 } });
    const c = await h.client();
    const ping = (size: number) => {
      const base = JSON.stringify({ type: 'ping', t: 1, ref: '' });
      return JSON.stringify({ type: 'ping', t: 1, ref: 'x'.repeat(size - base.length) });
    };
    // A ref this long is invalid, but the frame is within size: an error, not a close.
    c.sendRaw(ping(512));
    expect(await c.next('error')).toMatchObject({ code: 'invalid_frame' });
    c.sendRaw(ping(513));
    expect((await c.closed).code).toBe(1009);
    expect(BINARY_HEADER_BYTES).toBe(25);
  });
});

describe('byte budgets', () => {
  it('past the byte budget, still handles binary frames but stops reading the sender until it is paid for', async () => {
    const now = 10_000;
    h = await startHost({
      clock: () => now,
      limits: { binaryBytesPerSecond: 10_000, binaryBytesBurst: 10_000, binaryFrameMinCost: 1, maxChunkBytes: 8192 },
    });
    const handledAt: number[] = [];
    h.host.handleBinary(TEST_TYPE, () => void handledAt.push(performance.now()));
    const c = await h.client();
    // 10 000 bytes of burst: the first two 5000-byte frames use it up, the third goes 5000 into debt,
    // which at 10 000 bytes/s is 500 ms of not reading this socket.
    for (let i = 0; i < 3; i++) c.sendRaw(frame(TEST_TYPE, new Uint8Array(5000 - BINARY_HEADER_BYTES)), true);
    await expect.poll(() => handledAt.length).toBe(3);
    const sentAt = performance.now();
    c.sendRaw(frame(TEST_TYPE, new Uint8Array(1)), true);
    await expect.poll(() => handledAt.length, { timeout: 3000 }).toBe(4);
    expect(handledAt[3]! - sentAt).toBeGreaterThan(300);
    expect(c.all('error')).toEqual([]); // nothing refused: the sender was slowed down, not told to resend
  });

  it('charges tiny binary frames binaryFrameMinCost each', async () => {
    h = await startHost({
      clock: () => 10_000,
      limits: { binaryBytesPerSecond: 1000, binaryBytesBurst: 3000, binaryFrameMinCost: 1000 },
    });
    h.host.handleBinary(TEST_TYPE, () => {});
    const c = await h.client();
    // Three empty frames cost the whole 3000-byte burst; a fourth goes 1000 into debt, a second unread.
    const sentAt = performance.now();
    for (let i = 0; i < 4; i++) c.sendRaw(frame(TEST_TYPE, new Uint8Array(0)), true);
    // A ping in the same read may still be answered at once; the one after it waits out the debt.
    c.send({ type: 'ping', t: 1 });
    await c.next('pong');
    c.send({ type: 'ping', t: 2 });
    await c.next('pong', (p) => p.t === 2, 5000);
    expect(performance.now() - sentAt).toBeGreaterThan(700);
  });

  it('charges text frames by bytes before decoding them', async () => {
    h = await startHost({ clock: () => 10_000, limits: { textBytesPerSecond: 100, textBytesBurst: 2000 } });
    const c = await h.client(); // the hello spent part of the burst
    const big = JSON.stringify({ type: 'ping', t: 1, ref: 'r'.repeat(60) });
    let sent = 0;
    while (sent * big.length < 2000) {
      c.sendRaw(big);
      sent++;
    }
    const error = await c.next('error');
    expect(error).toMatchObject({ code: 'rate_limited', ref: 'r'.repeat(60) });
    expect(c.all('pong').length).toBeLessThan(sent);
  });
});
