import { describe, expect, it } from 'vitest';
import { closeReason, MAX_CLOSE_REASON_BYTES } from '../../../../src/main/host/moderation/close-reason.ts';

describe('closeReason', () => {
  it('keeps a reason of exactly 123 bytes and cuts one of 124 with an ellipsis', () => {
    const exact = 'a'.repeat(MAX_CLOSE_REASON_BYTES);
    expect(closeReason(exact)).toBe(exact);
    const cut = closeReason('a'.repeat(MAX_CLOSE_REASON_BYTES + 1));
    expect(cut.endsWith('…')).toBe(true);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
  });

  it('never cuts inside a character (emoji of 4 bytes, surrogate pairs in UTF-16)', () => {
    const cut = closeReason('😀'.repeat(40));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    expect(cut).toBe(`${'😀'.repeat(30)}…`);
    expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut); // no lone surrogate
  });
});
