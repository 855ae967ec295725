import { describe, expect, it } from 'vitest';
import { closeProblem } from '../../../../src/renderer/src/lib/workbench/close-request.ts';

describe('closeProblem', () => {
  it('allows 1000 and 3000–4999 only, as WebSocket.close() does', () => {
    for (const code of [1000, 3000, 4000, 4999]) expect(closeProblem(code, ''), String(code)).toBeNull();
    for (const code of [999, 1001, 1005, 1006, 2999, 5000, 3000.5, NaN])
      expect(closeProblem(code, ''), String(code)).toBe('code');
  });

  it('allows a reason of up to 123 UTF-8 bytes', () => {
    expect(closeProblem(1000, 'x'.repeat(123))).toBeNull();
    expect(closeProblem(1000, 'x'.repeat(124))).toBe('reason');
    expect(closeProblem(1000, 'é'.repeat(61) + 'x')).toBeNull(); // 123 bytes
    expect(closeProblem(1000, 'é'.repeat(62))).toBe('reason'); // 124 bytes, 62 units
  });
});
