import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost } from '../../helpers/host.ts';

type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

describe('HostServer.announce: operator announcements through the hub', () => {
  it('reaches every member of every room live, stored in each room with its own seq', async () => {
    h = await startHost({ hostName: 'Office box' }, ['general', 'ops']);
    const ann = await h.joined('general', 'ann');
    const bo = await h.joined('ops', 'bo');
    const stored = await h.host.announce('Back up at 14:00', { level: 'warning' });
    expect(stored).toEqual([
      { room: 'general', seq: 1 },
      { room: 'ops', seq: 1 },
    ]);
    for (const [client, room] of [
      [ann, 'general'],
      [bo, 'ops'],
    ] as const) {
      expect(await client.next('message')).toMatchObject({
        room,
        kind: 'announcement',
        text: 'Back up at 14:00',
        body: { level: 'warning' },
        from: { nick: 'Office box', device: 'host', source: 'operator' },
      });
    }
  });

  it('posts under a host name whose 32nd unit starts an emoji: the nickname is cut before the pair, not inside it', async () => {
    const name = `${'a'.repeat(31)}😀 box`; // a valid host name of 38 units; the pair sits at units 31–32
    h = await startHost({ hostName: name });
    const ann = await h.joined('general', 'ann');
    expect(await h.host.announce('still works')).toEqual([{ room: 'general', seq: 1 }]);
    expect(await ann.next('message')).toMatchObject({
      text: 'still works',
      from: { nick: 'a'.repeat(31), device: 'host', source: 'operator' },
    });
  });

  it('posts into one room when asked, and refuses a room that does not exist or a blank text', async () => {
    h = await startHost({}, ['general', 'ops']);
    const ann = await h.joined('general', 'ann');
    expect(await h.host.announce('ops only', { room: 'ops', nick: 'Admin' })).toEqual([{ room: 'ops', seq: 1 }]);
    await expect(h.host.announce('x', { room: 'nowhere' })).rejects.toThrow('no room named');
    await expect(h.host.announce('   ')).rejects.toThrow();
    await expect(h.host.announce('y'.repeat(2001))).rejects.toThrow();
    ann.send({ type: 'ping', t: 1 });
    await ann.next('pong');
    expect(ann.all('message')).toEqual([]);
  });

  it('is there on resume for a member who was away, and survives a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tincan-announce-'));
    try {
      h = await startHost({ dataDir: dir });
      const ann = await h.joined('general', 'ann', 'device-ann-0001');
      ann.send({ type: 'send', room: 'general', id: 'm1', text: 'before' });
      await ann.next('ack');
      await ann.close();
      await h.host.announce('While you were out');
      await h.stop();
      h = await startHost({ dataDir: dir });
      const back = await h.client('ann', 'device-ann-0001', { have: { general: 1 } });
      back.send({ type: 'join', room: 'general', ref: 'j' });
      const page = await back.next('history');
      expect(page.messages).toMatchObject([
        {
          seq: 2,
          kind: 'announcement',
          text: 'While you were out',
          body: { level: 'info' },
          from: { source: 'operator' },
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("carries the reserved device tag `host`, which no member's device tag can equal", async () => {
    h = await startHost();
    const ann = await h.joined('general', 'ann');
    await h.host.announce('hello all');
    const m = await ann.next('message');
    const welcome = ann.all('welcome')[0]!;
    expect(welcome.device).toMatch(/^[0-9a-f]{16}$/);
    expect(m.from.device).toBe('host');
  });
});
