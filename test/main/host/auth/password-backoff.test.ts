import { describe, expect, it } from 'vitest';
import { PasswordBackoff } from '../../../../src/main/host/auth/password-backoff.ts';

const limits = {
  passwordBackoffBaseMs: 100,
  passwordBackoffMaxMs: 350,
  passwordChecksPerRoomPerSecond: 2,
  passwordChecksPerRoomBurst: 3,
};

describe('PasswordBackoff', () => {
  it('doubles the wait per failure up to the cap, and forgets on success', () => {
    const b = new PasswordBackoff({ ...limits, passwordChecksPerRoomBurst: 100 });
    expect(b.begin('a', 'r', 0)).toBeNull();
    expect(b.finish('a', 'r', false, 0)).toBe(100);
    expect(b.begin('a', 'r', 50)).toEqual({ retryAfterMs: 50 });
    expect(b.begin('a', 'r', 100)).toBeNull();
    expect(b.finish('a', 'r', false, 100)).toBe(200);
    expect(b.begin('a', 'r', 300)).toBeNull();
    expect(b.finish('a', 'r', false, 300)).toBe(350); // capped
    expect(b.begin('other', 'r', 300)).toBeNull(); // another address is not slowed
    b.finish('other', 'r', true, 300);
    expect(b.begin('a', 'r', 650)).toBeNull();
    expect(b.finish('a', 'r', true, 650)).toBe(0);
    expect(b.begin('a', 'r', 650)).toBeNull(); // success forgot the failures
  });

  it('counts a check from its start: a second one while it runs is refused', () => {
    const b = new PasswordBackoff(limits);
    expect(b.begin('a', 'r', 0)).toBeNull();
    expect(b.begin('a', 'r', 0)).toEqual({ retryAfterMs: 100 });
    expect(b.begin('a', 'r', 5000)).toEqual({ retryAfterMs: 100 }); // still running
    expect(b.begin('a', 'other room', 0)).toBeNull();
  });

  it('shares one budget per room among addresses that already failed; first tries never wait for it', () => {
    const b = new PasswordBackoff({ ...limits, passwordBackoffBaseMs: 1, passwordBackoffMaxMs: 1 });
    for (let i = 0; i < 10; i++) {
      expect(b.begin(`x${i}`, 'r', 0)).toBeNull(); // first tries: free
      b.finish(`x${i}`, 'r', false, 0);
    }
    // Their second tries share 3 (burst) then 2/s.
    const allowed = [];
    for (let i = 0; i < 10; i++) {
      const refused = b.begin(`x${i}`, 'r', 10);
      if (!refused) {
        allowed.push(i);
        b.finish(`x${i}`, 'r', false, 10);
      } else expect(refused.retryAfterMs).toBeGreaterThan(0);
    }
    expect(allowed).toHaveLength(3);
    expect(b.begin('newcomer', 'r', 10)).toBeNull(); // a first try still goes through at once
    expect(b.begin('x9', 'r', 510)).toBeNull(); // one check refilled after 0.5 s
  });
});
