import { afterEach, describe, expect, it } from 'vitest';
import { startHost } from '../../../helpers/host.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

describe('corked fan-out and the slow-consumer cap', () => {
  it('does not drop a member that reads, when one commit batch holds more than maxBufferedBytes', async () => {
    h = await startHost({
      limits: {
        maxBufferedBytes: 512 * 1024,
        ratePerSecond: 1e6,
        rateBurst: 1e6,
        textBytesPerSecond: 1e9,
        textBytesBurst: 1e9,
      },
    });
    const writers = await Promise.all(Array.from({ length: 4 }, (_, i) => h.joined('general', `w${i}`)));
    const reader = await h.joined('general', 'reader');
    const text = 'r'.repeat(7900);
    // 4 × 60 messages of 8 KB sent at once: about 1.9 MB arriving together, mostly in one batch.
    for (let i = 0; i < 60; i++) {
      for (const [n, w] of writers.entries()) w.send({ type: 'send', room: 'general', id: `w${n}m${i}`, text });
    }
    await reader.next('message', (m) => m.id === 'w3m59', 20_000);
    expect(reader.all('message')).toHaveLength(240);
    expect(reader.ws.readyState).toBe(reader.ws.OPEN);
  }, 30_000);
});
