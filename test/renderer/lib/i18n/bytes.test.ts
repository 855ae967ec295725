import { describe, expect, it } from 'vitest';
import { formatSize } from '../../../../src/renderer/src/lib/i18n/bytes.ts';
import { Locale } from '../../../../src/renderer/src/lib/i18n/locale.svelte.ts';

describe('formatSize', () => {
  it('words small sizes in the UI language and larger ones in binary units', () => {
    const locale = new Locale();
    expect(formatSize(locale.t, 41)).toBe('41 bytes');
    expect(formatSize(locale.t, 1)).toBe('1 byte');
    expect(formatSize(locale.t, 42 * 2 ** 20)).toBe('42 MiB');
    locale.code = 'zh-CN';
    expect(formatSize(locale.t, 41)).toBe('41 字节');
    expect(formatSize(locale.t, 1)).toBe('1 字节');
    expect(formatSize(locale.t, 1536)).toBe('1.5 KiB');
  });
});
