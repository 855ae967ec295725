import { describe, expect, it } from 'vitest';
import { Locale } from '../../../../src/renderer/src/lib/i18n/locale.svelte.ts';
import { failedAttemptsWords, lastCloseWords, quotedReason } from '../../../../src/renderer/src/lib/net/close-words.ts';

const shutdown = { code: 1001, reason: 'host shutting down', wasClean: true };

describe('close words', () => {
  it('quotes a reason and leaves out an empty one', () => {
    expect(quotedReason('bye')).toBe(' “bye”');
    expect(quotedReason('')).toBe('');
  });

  it('counts failed attempts in the singular and the plural; Chinese has one form', () => {
    const locale = new Locale();
    expect(failedAttemptsWords(locale.t, 1)).toBe('1 reconnect attempt failed');
    expect(failedAttemptsWords(locale.t, 3)).toBe('3 reconnect attempts failed');
    locale.code = 'zh-CN';
    expect(failedAttemptsWords(locale.t, 1)).toBe('此后 1 次重连失败');
    expect(failedAttemptsWords(locale.t, 3)).toBe('此后 3 次重连失败');
  });

  it('puts a space on both sides of each separator, and says nothing of attempts when there were none', () => {
    const { t } = new Locale();
    expect(lastCloseWords(t, shutdown, 3)).toBe(
      'last close 1001 “host shutting down” · clean · 3 reconnect attempts failed',
    );
    expect(lastCloseWords(t, shutdown, 0)).toBe('last close 1001 “host shutting down” · clean');
    expect(lastCloseWords(t, { code: 1006, reason: '', wasClean: false }, 1)).toBe(
      'last close 1006 · not clean · 1 reconnect attempt failed',
    );
  });
});
