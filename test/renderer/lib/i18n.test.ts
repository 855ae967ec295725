import { describe, expect, it } from 'vitest';
import { en } from '../../../src/renderer/src/lib/i18n/en.ts';
import { format, Locale, resolveLocale } from '../../../src/renderer/src/lib/i18n/locale.svelte.ts';
import { zhCN } from '../../../src/renderer/src/lib/i18n/zh-CN.ts';

describe('i18n', () => {
  it('has every English key in Chinese, with the same parameters', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(zhCN[key], key).toBeTruthy();
      expect(params(zhCN[key]), key).toEqual(params(en[key]));
    }
  });

  it('follows the system language unless one is chosen', () => {
    expect(resolveLocale('system', ['zh-TW', 'en'])).toBe('zh-CN');
    expect(resolveLocale('system', ['fr-FR', 'en-GB'])).toBe('en');
    expect(resolveLocale('system', ['fr-FR'])).toBe('en');
    expect(resolveLocale('zh-CN', ['en-US'])).toBe('zh-CN');
  });

  it('formats parameters and switches language', () => {
    expect(format('{a} and {b}', { a: 1, b: 'x' })).toBe('1 and x');
    expect(format('{a} {missing}', { a: 1 })).toBe('1 {missing}');
    const locale = new Locale();
    expect(locale.t('room.members', { count: 3 })).toBe('Members (3)');
    locale.code = 'zh-CN';
    expect(locale.t('room.members', { count: 3 })).toBe('成员（3）');
  });
});
