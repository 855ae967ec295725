import { describe, expect, it } from 'vitest';
import { cutUnits, cutUtf8 } from '../../src/shared/cut-text.ts';

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('cutUtf8', () => {
  it('keeps text that fits, to the last byte', () => {
    expect(cutUtf8('abc', 3)).toBe('abc');
    expect(cutUtf8('ééé', 6)).toBe('ééé');
  });

  it('cuts before a character that would not fit whole', () => {
    expect(cutUtf8('abcd', 3)).toBe('abc');
    expect(cutUtf8('ééé', 5)).toBe('éé'); // 2 bytes each: the third would need 6
    expect(cutUtf8('a€b', 3)).toBe('a'); // € is 3 bytes
    expect(cutUtf8('😀😀', 7)).toBe('😀'); // a surrogate pair is 4 bytes, never split
    expect(cutUtf8('😀', 3)).toBe('');
  });

  it('counts a lone surrogate as the three bytes of U+FFFD it encodes to', () => {
    const lone = 'a\ud800b';
    expect(cutUtf8(lone, 4)).toBe('a\ud800');
    expect(cutUtf8(lone, 3)).toBe('a');
    expect(bytes(cutUtf8(lone, 4))).toBe(4);
  });

  it('gives nothing for a limit of zero or less', () => {
    expect(cutUtf8('abc', 0)).toBe('');
    expect(cutUtf8('abcdef', -1)).toBe('');
  });

  it('never passes the limit on mixed text', () => {
    const text = 'aé€😀'.repeat(50);
    for (let max = 0; max <= 60; max++) {
      const cut = cutUtf8(text, max);
      expect(bytes(cut)).toBeLessThanOrEqual(max);
      expect(text.startsWith(cut)).toBe(true);
      expect(bytes(cut)).toBeGreaterThan(max - 4); // nothing left out that would have fitted
    }
  });
});

describe('cutUnits', () => {
  it('keeps text that fits and cuts the rest at the limit', () => {
    expect(cutUnits('abc', 3)).toBe('abc');
    expect(cutUnits('abcd', 3)).toBe('abc');
    expect(cutUnits('abc', 0)).toBe('');
  });

  it('does not split a surrogate pair', () => {
    expect(cutUnits('ab😀', 3)).toBe('ab');
    expect(cutUnits('ab😀', 4)).toBe('ab😀');
    expect(cutUnits('a😀b', 2)).toBe('a');
  });

  it('cuts after a lone high surrogate like after any other unit', () => {
    expect(cutUnits('a\ud800b', 2)).toBe('a\ud800');
  });
});
