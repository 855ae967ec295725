import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../src/shared/protocol/index.ts';
import { spawnHost } from '../../helpers/host-process.ts';
import { TestClient } from '../../helpers/test-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FLAGS = [
  '--port',
  '0',
  '--bind',
  '127.0.0.1',
  '--data',
  dir,
  '--room',
  'general',
  '--limit',
  'ratePerSecond=100000',
  '--limit',
  'rateBurst=100000',
];

async function readAll(port: number): Promise<StoredMessage[]> {
  const c = await TestClient.greeted(`ws://127.0.0.1:${port}/ws`, 'auditor', 'device-auditor-1');
  c.send({ type: 'join', room: 'general', since: 0 });
  const joined = await c.next('joined');
  const all: StoredMessage[] = [];
  let page = await c.next('history');
  all.push(...page.messages);
  while (page.more) {
    c.send({ type: 'history', room: 'general', after: all.at(-1)!.seq, before: joined.head + 1, limit: 500 });
    page = await c.next('history');
    all.push(...page.messages);
  }
  expect(all.length).toBe(joined.head);
  await c.close();
  return all;
}

describe('durability: SIGKILL in the middle of a burst', () => {
  it('every acknowledged message is present exactly once after a restart, and retries fill the rest once', async () => {
    const first = await spawnHost(FLAGS);
    const url = `ws://127.0.0.1:${first.port}/ws`;
    const writers = await Promise.all([1, 2, 3].map((i) => TestClient.greeted(url, `w${i}`, `device-writer-${i}`)));
    for (const w of writers) {
      w.send({ type: 'join', room: 'general' });
      await w.next('joined');
    }
    const acked = new Map<string, number>();
    const sent: { writer: number; id: string }[] = [];
    writers.forEach((w, i) =>
      w.ws.on('message', (data) => {
        const f = JSON.parse(data.toString());
        if (f.type === 'ack') acked.set(`${i}:${f.id}`, f.seq);
      }),
    );
    // Keep sending until the host dies; kill it once a good share has been acked.
    let n = 0;
    let killed = false;
    const pump = setInterval(() => {
      for (let k = 0; k < 50 && !killed; k++) {
        const i = n % writers.length;
        const id = `m${n++}`;
        sent.push({ writer: i, id });
        if (writers[i]!.ws.readyState === 1)
          writers[i]!.send({ type: 'send', room: 'general', id, text: `burst ${id}` });
      }
      if (acked.size >= 1500 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }, 2);
    const { signal } = await first.exited;
    clearInterval(pump);
    expect(signal).toBe('SIGKILL');
    expect(sent.length).toBeGreaterThan(acked.size); // some were in flight, unacked
    await Promise.all(writers.map((w) => w.closed));

    const second = await spawnHost(FLAGS);
    try {
      const stored = await readAll(second.port);
      const byKey = new Map<string, StoredMessage>();
      for (const m of stored) {
        const writer = Number(m.from.nick.slice(1)) - 1;
        const key = `${writer}:${m.id}`;
        expect(byKey.has(key), `stored twice: ${key}`).toBe(false);
        byKey.set(key, m);
      }
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
      for (const [key, seq] of acked) expect(byKey.get(key)?.seq, `acked ${key} missing`).toBe(seq);

      // The writers come back and retry everything they never saw acked: each lands exactly once.
      const url2 = `ws://127.0.0.1:${second.port}/ws`;
      const again = await Promise.all([1, 2, 3].map((i) => TestClient.greeted(url2, `w${i}`, `device-writer-${i}`)));
      for (const w of again) {
        w.send({ type: 'join', room: 'general' });
        await w.next('joined');
      }
      const unacked = sent.filter(({ writer, id }) => !acked.has(`${writer}:${id}`));
      for (const { writer, id } of unacked)
        again[writer]!.send({ type: 'send', room: 'general', id, text: `burst ${id}` });
      for (const { writer, id } of unacked) await again[writer]!.next('ack', (a) => a.id === id, 10_000);
      await Promise.all(again.map((w) => w.close()));
      const final = await readAll(second.port);
      expect(final).toHaveLength(sent.length);
      expect(new Set(final.map((m) => `${m.from.nick}:${m.id}`)).size).toBe(sent.length);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 60_000);
});
