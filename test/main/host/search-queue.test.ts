import { describe, expect, it } from 'vitest';
import { SearchQueue } from '../../../src/main/host/search-queue.ts';

const turn = () => new Promise((r) => setImmediate(r));

describe('SearchQueue', () => {
  it('runs one job per turn of the event loop, so other work scheduled meanwhile runs between them', async () => {
    const queue = new SearchQueue(10, () => {});
    const order: string[] = [];
    const [a, b] = [{}, {}];
    queue.add(a, () => {
      order.push('search 1');
      setImmediate(() => order.push('commit')); // e.g. a chat message's group commit
    });
    queue.add(b, () => order.push('search 2'));
    queue.add(a, () => order.push('search 3'));
    for (let i = 0; i < 6; i++) await turn();
    expect(order).toEqual(['search 1', 'commit', 'search 2', 'search 3']);
  });

  it('lets each connection have `perConnection` jobs waiting, and frees a place when one runs', async () => {
    const queue = new SearchQueue(2, () => {});
    const who = {};
    expect(queue.add(who, () => {})).toBe(true);
    expect(queue.add(who, () => {})).toBe(true);
    expect(queue.add(who, () => {})).toBe(false);
    expect(queue.add({}, () => {})).toBe(true); // another connection is not affected
    await turn();
    expect(queue.add(who, () => {})).toBe(true);
  });

  it('keeps going after a job throws', async () => {
    const errors: unknown[] = [];
    const queue = new SearchQueue(5, (error) => errors.push(error));
    const ran: number[] = [];
    queue.add({}, () => {
      throw new Error('bad search');
    });
    queue.add({}, () => ran.push(2));
    await expect(turn()).resolves.toBeUndefined();
    await turn();
    await turn();
    expect(ran).toEqual([2]);
    expect(errors).toHaveLength(1);
  });
});
