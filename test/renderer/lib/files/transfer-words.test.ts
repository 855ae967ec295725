import { describe, expect, it } from 'vitest';
import { progressWords } from '../../../../src/renderer/src/lib/files/transfer-words.ts';
import { Locale } from '../../../../src/renderer/src/lib/i18n/locale.svelte.ts';

describe('progressWords', () => {
  it('says how far a transfer is in the UI language, small sizes included', () => {
    const locale = new Locale();
    expect(progressWords(locale.t, 512, 2048)).toBe('25% · 512 bytes of 2.0 KiB');
    locale.code = 'zh-CN';
    expect(progressWords(locale.t, 512, 2048)).toContain('512 字节');
  });
});
