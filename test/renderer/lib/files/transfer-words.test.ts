import { describe, expect, it } from 'vitest';
import { progressWords, timeLeftWords } from '../../../../src/renderer/src/lib/files/transfer-words.ts';
import { Locale } from '../../../../src/renderer/src/lib/i18n/locale.svelte.ts';

describe('progressWords', () => {
  it('says how far a transfer is in the UI language, small sizes included', () => {
    const locale = new Locale();
    expect(progressWords(locale.t, 512, 2048)).toBe('25% · 512 bytes of 2.0 KiB');
    locale.code = 'zh-CN';
    expect(progressWords(locale.t, 512, 2048)).toContain('512 字节');
  });
});

describe('timeLeftWords', () => {
  it('says about how long is left at the current rate, and nothing without a rate', () => {
    const { t } = new Locale();
    expect(timeLeftWords(t, 0, 1000, 100)).toBe('10 s left');
    expect(timeLeftWords(t, 0, 1000, 3)).toBe('6 min left'); // 334 s
    expect(timeLeftWords(t, 0, 3_000_000, 400)).toBe('2 h 5 min left'); // 7500 s
    expect(timeLeftWords(t, 500, 1000, 0)).toBe('');
    expect(timeLeftWords(t, 1000, 1000, 100)).toBe('');
  });
});
