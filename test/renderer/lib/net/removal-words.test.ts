import { describe, expect, it } from 'vitest';
import { Locale } from '../../../../src/renderer/src/lib/i18n/locale.svelte.ts';
import { removalWords } from '../../../../src/renderer/src/lib/net/removal-words.ts';

describe('removalWords', () => {
  it("gives the operator's reason only when the host's close reason carries one", () => {
    const locale = new Locale();
    expect(removalWords(locale, { code: 4003, reason: 'kicked: spamming links' }, null)).toBe(
      'The host removed you from this host. You can reconnect when you are ready. Reason: spamming links',
    );
    expect(removalWords(locale, { code: 4003, reason: 'kicked by the host' }, null)).toBe(
      'The host removed you from this host. You can reconnect when you are ready.',
    );
    expect(removalWords(locale, { code: 4004, reason: 'banned' }, Infinity)).toBe(
      'You are banned from this host until the operator lifts it.',
    );
    expect(removalWords(locale, { code: 1006, reason: '' }, null)).toBeNull();
  });
});
