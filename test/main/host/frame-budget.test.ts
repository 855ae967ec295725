import { describe, expect, it } from 'vitest';
import { FrameBudget, type BudgetLimits } from '../../../src/main/host/frame-budget.ts';

const limits: BudgetLimits = {
  ratePerSecond: 10,
  rateBurst: 100,
  textBytesPerSecond: 1000,
  textBytesBurst: 4000,
  binaryBytesPerSecond: 64_000,
  binaryBytesBurst: 64_000,
  binaryFrameMinCost: 1000,
  rateStrikes: 3,
};

describe('FrameBudget', () => {
  it('charges text frames by bytes as well as by count: large frames run out first', () => {
    const b = new FrameBudget(limits, 0);
    // 4 frames of 1000 bytes empty the 4000-byte burst long before the 100-frame burst.
    for (let i = 0; i < 4; i++) expect(b.text(1000, 0)).toBe(0);
    expect(b.text(1000, 0)).toBe(1000); // 1000 bytes at 1000 B/s
    expect(b.text(1000, 1000)).toBe(0);
  });

  it('lets many tiny text frames through until the frame count runs out', () => {
    const b = new FrameBudget(limits, 0);
    for (let i = 0; i < 100; i++) expect(b.text(10, 0)).toBe(0);
    expect(b.text(10, 0)).toBe(100); // one frame at 10/s
  });

  it('always admits a frame the size of the burst once the bucket is full again', () => {
    const b = new FrameBudget({ ...limits, textBytesBurst: 2000 }, 0);
    expect(b.text(5000, 0)).toBe(0); // charged as the whole burst
    expect(b.text(1, 0)).toBeGreaterThan(0);
    expect(b.text(5000, 2000)).toBe(0);
  });

  it('charges binary frames their bytes, and at least binaryFrameMinCost', () => {
    const b = new FrameBudget(limits, 0);
    for (let i = 0; i < 64; i++) expect(b.binary(1, 0)).toBe(0); // 64 × 1000 (the floor)
    expect(b.binary(1, 0)).toBe(16); // 1000 bytes at 64 000 B/s
    const big = new FrameBudget(limits, 0);
    expect(big.binary(64_000, 0)).toBe(0);
    expect(big.binary(32_000, 0)).toBe(500);
    // Binary bytes do not spend the text budgets.
    for (let i = 0; i < 4; i++) expect(big.text(1000, 0)).toBe(0);
  });

  it('strikes decay by one per second instead of resetting on the next good frame', () => {
    const b = new FrameBudget(limits, 0);
    expect(b.strike(0)).toBe(false);
    expect(b.strike(0)).toBe(false);
    expect(b.strike(0)).toBe(false); // 3 held, at the limit
    expect(b.strikes(1000)).toBe(2);
    expect(b.strike(1000)).toBe(false); // 3 again
    expect(b.strike(1000)).toBe(true); // 4 > 3: close
  });

  it('closes a sender that alternates good and refused frames faster than strikes decay', () => {
    const b = new FrameBudget(limits, 0);
    let closed = false;
    for (let t = 0; t < 10_000 && !closed; t += 100) closed = b.strike(t); // 10 refusals a second
    expect(closed).toBe(true);
  });
});
