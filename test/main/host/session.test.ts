import { Writable, type Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { CorkScope } from '../../../src/main/host/rooms/cork-scope.ts';
import { Session } from '../../../src/main/host/session.ts';
import { DEFAULT_LIMITS } from '../../../src/shared/protocol/index.ts';

/**
 * A socket whose reader keeps up: every write completes at once, so only bytes held by corking
 * count as queued. The WebSocket is the two members Session reads of it, backed by that socket.
 */
function session(maxBufferedBytes: number, scope: CorkScope) {
  const writes: number[] = [];
  const socket = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.length);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.reduce((sum, c) => sum + (c.chunk as Buffer).length, 0));
      done();
    },
  });
  let terminated = false;
  const ws = {
    readyState: 1,
    get bufferedAmount() {
      return socket.writableLength;
    },
    terminate: () => (terminated = true),
  } as unknown as WebSocket;
  const s = new Session(
    ws,
    socket as unknown as Duplex,
    '127.0.0.1',
    { ...DEFAULT_LIMITS, maxBufferedBytes },
    0,
    scope,
    () => {},
    () => {},
  );
  return { s, writes, terminated: () => terminated };
}

describe('Session writes in a cork scope', () => {
  it('hands a big batch to the kernel in slices, so a client that reads is not taken for a slow one', () => {
    const scope = new CorkScope();
    const { s, writes, terminated } = session(512 * 1024, scope);
    const frame = Buffer.alloc(8 * 1024);
    scope.run(() => {
      for (let i = 0; i < 250; i++) s.write(frame); // 2 MB in one batch, four times the cap
    });
    expect(terminated()).toBe(false);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(250 * 8 * 1024);
    // Several writevs of about 256 KiB each, not one write per frame.
    expect(writes.length).toBeGreaterThan(4);
    expect(writes.length).toBeLessThan(20);
  });

  it('still drops a client whose queue passes the cap outside corking', () => {
    const scope = new CorkScope();
    const socket = new Writable({ write: () => {} }); // never completes: nothing is read
    let terminated = false;
    const ws = {
      readyState: 1,
      get bufferedAmount() {
        return socket.writableLength;
      },
      terminate: () => (terminated = true),
    } as unknown as WebSocket;
    const slow: string[] = [];
    const s = new Session(
      ws,
      socket as unknown as Duplex,
      '127.0.0.1',
      { ...DEFAULT_LIMITS, maxBufferedBytes: 64 * 1024 },
      0,
      scope,
      (x) => slow.push(x.address),
      () => {},
    );
    for (let i = 0; i < 20 && !terminated; i++) s.write(Buffer.alloc(8 * 1024));
    expect(terminated).toBe(true);
    expect(slow).toEqual(['127.0.0.1']);
  });
});
