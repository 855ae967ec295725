import { describe, expect, it } from 'vitest';
import { dropBiggestQueues } from '../../../src/main/host/queue-guard.ts';

const conn = (name: string, queuedBytes: number, dropped: string[]) => ({
  queuedBytes,
  drop: () => dropped.push(name),
});

describe('dropBiggestQueues', () => {
  it('does nothing at or under the cap', () => {
    const dropped: string[] = [];
    expect(dropBiggestQueues([conn('a', 600, dropped), conn('b', 400, dropped)], 1000)).toBe(0);
    expect(dropped).toEqual([]);
  });

  it('drops the biggest queues first until the total is under the cap', () => {
    const dropped: string[] = [];
    const n = dropBiggestQueues(
      [conn('small', 100, dropped), conn('big', 900, dropped), conn('mid', 500, dropped), conn('idle', 0, dropped)],
      1000,
    );
    expect(n).toBe(1);
    expect(dropped).toEqual(['big']);
    const more: string[] = [];
    dropBiggestQueues([conn('a', 700, more), conn('b', 600, more), conn('c', 500, more)], 600);
    expect(more).toEqual(['a', 'b']);
  });
});
