import { afterEach, describe, expect, it } from 'vitest';
import { SearchBudget } from '../../../src/main/host/search-budget.ts';
import type { HostFrame } from '../../../src/shared/protocol/index.ts';
import { startHost } from '../../helpers/host.ts';

const limits = { searchMsPerSecond: 10, searchMsBurst: 20, hostSearchMsPerSecond: 30, hostSearchMsBurst: 40 };

describe('SearchBudget', () => {
  it('lets a connection search while its balance is positive, then makes it wait for the debt to refill', () => {
    const budget = new SearchBudget(limits, 0);
    const ann = {};
    expect(budget.wait(ann, 0)).toBe(0);
    budget.charge(ann, 25, 0); // 20 − 25 = −5 ms
    expect(budget.wait(ann, 0)).toBe(501); // 5 ms at 10 ms/s, and a ms to be positive
    expect(budget.wait(ann, 501)).toBe(0);
  });

  it('holds all connections together to the host budget', () => {
    const budget = new SearchBudget(limits, 0);
    const [a, b, c] = [{}, {}, {}];
    budget.charge(a, 15, 0);
    budget.charge(b, 15, 0);
    expect(budget.wait(c, 0)).toBe(0); // host: 40 − 30 = 10 left
    budget.charge(c, 15, 0); // host: −5
    const fresh = {};
    expect(budget.wait(fresh, 0)).toBeGreaterThan(0); // its own balance is full, the host's is not
    expect(budget.wait(fresh, 200)).toBe(0);
  });
});

describe('search through the host', () => {
  type Host = Awaited<ReturnType<typeof startHost>>;
  let h: Host;
  afterEach(async () => h?.stop());

  it('answers a connection that spent its search time with rate_limited, and others still search', async () => {
    h = await startHost({
      clock: () => 1_000,
      limits: { searchMsPerSecond: 1, searchMsBurst: 1, ratePerSecond: 1e6, rateBurst: 1e6 },
    });
    const greedy = await h.joined('general', 'greedy');
    greedy.send({ type: 'send', room: 'general', id: 'm1', text: 'deploy failed on build server' });
    await greedy.next('ack');
    // One at a time (each waits for its answer); the clock stands still, so nothing refills.
    let limited: Extract<HostFrame, { type: 'error' }> | undefined;
    let answered = 0;
    for (let i = 0; i < 2000 && !limited; i++) {
      greedy.send({ type: 'search', ref: `q${i}`, room: 'general', query: 'd' });
      const reply = await greedy.nextWhere((f) => (f.type === 'results' || f.type === 'error') && f.ref === `q${i}`);
      if (reply.type === 'error') limited = reply;
      else answered++;
    }
    expect(answered).toBeGreaterThan(0);
    expect(limited).toMatchObject({ code: 'rate_limited', room: 'general' });
    expect(limited!.retryAfterMs).toBeGreaterThan(0);
    const polite = await h.joined('general', 'polite');
    polite.send({ type: 'search', ref: 'p', room: 'general', query: 'deploy' });
    expect(await polite.next('results')).toMatchObject({ ref: 'p', messages: [{ id: 'm1' }], more: false });
  });

  it('runs searches one per turn of the event loop, and refuses a third waiting from one connection', async () => {
    h = await startHost({ limits: { ratePerSecond: 1e6, rateBurst: 1e6 } });
    const ann = await h.joined('general', 'ann');
    for (let i = 0; i < 5; i++) ann.send({ type: 'search', ref: `s${i}`, room: 'general', query: 'x' });
    await ann.next('results', (r) => r.ref === 's1');
    const replies = ann.frames.filter((f) => f.type === 'results' || f.type === 'error');
    // The refusals come at once; the two searches that waited, each on its own turn, after them.
    expect(replies.map((r) => `${r.type}:${'ref' in r ? r.ref : ''}`)).toEqual([
      'error:s2',
      'error:s3',
      'error:s4',
      'results:s0',
      'results:s1',
    ]);
    expect(replies[0]).toMatchObject({ code: 'rate_limited', retryAfterMs: 50 });
  });

  it('searches only the named joined room', async () => {
    h = await startHost({}, ['general', 'vault']);
    const writer = await h.joined('vault', 'writer');
    writer.send({ type: 'send', room: 'vault', id: 'v1', text: 'the vault code' });
    await writer.next('ack');
    const ann = await h.joined('general', 'ann');
    ann.send({ type: 'search', ref: 's1', room: 'general', query: 'vault' });
    expect(await ann.next('results')).toMatchObject({ messages: [] });
    ann.send({ type: 'search', ref: 's2', room: 'vault', query: 'vault' });
    expect(await ann.next('error')).toMatchObject({ code: 'not_joined', ref: 's2' });
  });
});
