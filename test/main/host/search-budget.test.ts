import { afterEach, describe, expect, it } from 'vitest';
import { SearchBudget } from '../../../src/main/host/search-budget.ts';
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
    // Each search takes a fraction of a ms; with the clock standing still nothing refills.
    for (let i = 0; i < 500; i++) greedy.send({ type: 'search', ref: `q${i}`, room: 'general', query: 'd' });
    const limited = await greedy.next('error', (e) => e.code === 'rate_limited', 20_000);
    expect(greedy.all('results').length).toBeGreaterThan(0);
    expect(limited).toMatchObject({ code: 'rate_limited', room: 'general' });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    const polite = await h.joined('general', 'polite');
    polite.send({ type: 'search', ref: 'p', room: 'general', query: 'deploy' });
    expect(await polite.next('results')).toMatchObject({ ref: 'p', messages: [{ id: 'm1' }], more: false });
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
