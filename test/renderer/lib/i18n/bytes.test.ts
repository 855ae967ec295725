import { describe, expect, it } from 'vitest';
import { formatSize, sizeAndLimit } from '../../../../src/renderer/src/lib/i18n/bytes.ts';
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

describe('sizeAndLimit', () => {
  it('gives exact byte counts only when the rounded size and limit would read the same', () => {
    const { t } = new Locale();
    expect(sizeAndLimit(t, 3 * 2 ** 20, 2 ** 20)).toEqual({ size: '3.0 MiB', limit: '1.0 MiB' });
    expect(sizeAndLimit(t, 2 ** 20 + 1, 2 ** 20)).toEqual({
      size: `${(2 ** 20 + 1).toLocaleString()} bytes`,
      limit: `${(2 ** 20).toLocaleString()} bytes`,
    });
  });
});
