import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChallengeTable, type PendingChallenge } from '../../../../src/main/host/auth/challenges.ts';

const challenge = (room: string): PendingChallenge => ({
  room,
  clientFirstBare: 'n=x,r=a',
  serverFirst: 'r=ab,s=AAAA,i=4096',
  nonce: 'ab',
  verifier: 'v',
  since: undefined,
});

describe('ChallengeTable', () => {
  afterEach(() => vi.useRealTimers());

  it('bounds open challenges per owner and in total, and hands each out once', () => {
    const expired: string[] = [];
    const table = new ChallengeTable<object>(
      { challengeTimeoutMs: 1000, maxChallengesPerConnection: 2, maxChallenges: 3 },
      (_o, c) => expired.push(c.room),
    );
    const [a, b] = [{}, {}];
    table.open(a, challenge('r1'));
    expect(table.full(a)).toBeNull();
    table.open(a, challenge('r2'));
    expect(table.full(a)).toBe('connection');
    table.open(b, challenge('r1'));
    expect(table.full(b)).toBe('host');
    expect(table.size).toBe(3);
    expect(table.take(a, 'r1')?.room).toBe('r1');
    expect(table.take(a, 'r1')).toBeUndefined();
    expect(table.size).toBe(2);
    expect(table.full(b)).toBeNull();
    table.dropAll(a);
    expect(expired).toEqual(['r2']);
    expect(table.size).toBe(1);
  });

  it('expires an unanswered challenge after the timeout, telling its owner', () => {
    vi.useFakeTimers();
    const expired: [object, string][] = [];
    const table = new ChallengeTable<object>(
      { challengeTimeoutMs: 1000, maxChallengesPerConnection: 4, maxChallenges: 10 },
      (o, c) => expired.push([o, c.room]),
    );
    const a = {};
    table.open(a, challenge('r1'));
    table.open(a, challenge('r2'));
    table.take(a, 'r2');
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([[a, 'r1']]);
    expect(table.size).toBe(0);
    expect(table.take(a, 'r1')).toBeUndefined();
  });
});
