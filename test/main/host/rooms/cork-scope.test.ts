import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CorkScope } from '../../../../src/main/host/rooms/cork-scope.ts';
import { startHost } from '../../../helpers/host.ts';

/** A real stream that records each batch of chunks the way a socket's writev receives them. */
class RecordingSocket extends Writable {
  readonly writes: string[][] = [];
  readonly scope: CorkScope;
  #corked = false;
  constructor(scope: CorkScope) {
    super({
      writev: (chunks, done) => {
        this.writes.push(chunks.map((c) => String(c.chunk)));
        done();
      },
      write: (chunk, _encoding, done) => {
        this.writes.push([String(chunk)]);
        done();
      },
    });
    this.scope = scope;
  }
  send(text: string): void {
    if (this.scope.active && !this.#corked) {
      this.cork();
      this.#corked = true;
      this.scope.enlist(this);
    }
    this.write(text);
  }
  override uncork(): void {
    this.#corked = false;
    super.uncork();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('CorkScope', () => {
  it('turns every write a run makes to a socket into one writev, in order', async () => {
    const scope = new CorkScope();
    const a = new RecordingSocket(scope);
    const b = new RecordingSocket(scope);
    scope.run(() => {
      a.send('ack1');
      b.send('m1');
      a.send('m1');
      scope.run(() => a.send('m2')); // nested runs release with the outermost
      b.send('m2');
    });
    await tick();
    expect(a.writes).toEqual([['ack1', 'm1', 'm2']]);
    expect(b.writes).toEqual([['m1', 'm2']]);
    expect(scope.active).toBe(false);
  });

  it('writes at once outside a run', async () => {
    const scope = new CorkScope();
    const a = new RecordingSocket(scope);
    a.send('x');
    a.send('y');
    await tick();
    expect(a.writes.flat()).toEqual(['x', 'y']);
    expect(a.writableCorked).toBe(0);
  });

  it('releases the sockets even when the work throws', () => {
    const scope = new CorkScope();
    const a = new RecordingSocket(scope);
    expect(() =>
      scope.run(() => {
        a.send('x');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(a.writableCorked).toBe(0);
  });
});

describe('corked fan-out in the host', () => {
  it("keeps each sender's ack ahead of the broadcast of its message, for a whole batch", async () => {
    const h = await startHost({ limits: { ratePerSecond: 1000, rateBurst: 1000 } });
    try {
      const ann = await h.joined('general', 'ann');
      const bo = await h.joined('general', 'bo');
      for (let i = 1; i <= 50; i++) {
        ann.send({ type: 'send', room: 'general', id: `a${i}`, text: `a${i}` });
        bo.send({ type: 'send', room: 'general', id: `b${i}`, text: `b${i}` });
      }
      await ann.next('message', (m) => m.id === 'b50');
      await bo.next('message', (m) => m.id === 'a50');
      for (const [client, mine] of [
        [ann, 'a'],
        [bo, 'b'],
      ] as const) {
        const order = client.frames
          .filter((f) => f.type === 'ack' || f.type === 'message')
          .map((f) => (f.type === 'ack' ? `ack:${f.id}` : `msg:${f.id}`));
        for (let i = 1; i <= 50; i++) {
          expect(order.indexOf(`ack:${mine}${i}`)).toBeLessThan(order.indexOf(`msg:${mine}${i}`));
        }
        // Everyone sees the same order of messages: the seq order.
        const seqs = client.all('message').map((m) => m.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(seqs).toHaveLength(100);
      }
    } finally {
      await h.stop();
    }
  });
});
