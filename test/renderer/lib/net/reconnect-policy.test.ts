import { describe, expect, it } from 'vitest';
import { closeIsFinal, reconnectDelay } from '../../../../src/renderer/src/lib/net/reconnect-policy.ts';

describe('reconnectDelay', () => {
  const policy = { baseMs: 500, maxMs: 30_000, jitter: 0.2 };
  it('doubles from the base and caps at the max', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 10, 50].map((a) => reconnectDelay(a, policy, mid))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000,
    ]);
  });
  it('spreads by at most ±jitter', () => {
    expect(reconnectDelay(3, policy, () => 0)).toBe(1600);
    expect(reconnectDelay(3, policy, () => 0.999999)).toBe(2400);
  });
  it('gives up only when retrying cannot help', () => {
    expect(closeIsFinal(4002)).toBe(true);
    expect(closeIsFinal(4003)).toBe(true); // kicked: the person reconnects when ready
    expect(closeIsFinal(4004)).toBe(true); // banned
    expect([1000, 1001, 1006, 4001, 4029].some(closeIsFinal)).toBe(false);
  });
});
