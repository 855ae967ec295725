import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from '../../../../src/renderer/src/lib/i18n/en.ts';
import { format } from '../../../../src/renderer/src/lib/i18n/locale.svelte.ts';
import { zhCN } from '../../../../src/renderer/src/lib/i18n/zh-CN.ts';
import { resultText } from '../../../../src/renderer/src/lib/moderation/result-text.ts';

const t = (key: MessageKey, params?: Record<string, string | number>) => format(en[key], params);
const zh = (key: MessageKey, params?: Record<string, string | number>) => format(zhCN[key], params);
const rooms = (...names: string[]) => names.map((room, i) => ({ room, seq: i + 1 }));

describe('what an action did, in words', () => {
  it('counts closed connections and rooms in the right singular or plural', () => {
    expect(resultText(t, 'ban', { closed: 1, recorded: rooms('general') })).toBe(
      'Banned: 1 connection was closed. Noted in general.',
    );
    expect(resultText(t, 'ban', { closed: 3, recorded: rooms('general', 'ops') })).toBe(
      'Banned: 3 connections were closed. Noted in all 2 rooms: a ban keeps them out of the whole host.',
    );
    expect(resultText(t, 'ban', { closed: 0, recorded: [] })).toBe(
      'Banned: nobody was connected with it. There was no room to note it in.',
    );
    expect(resultText(t, 'kick', { closed: 1, recorded: rooms('a', 'b') })).toBe(
      'Kicked: the connection was closed. Noted in 2 rooms.',
    );
    expect(resultText(t, 'unban', { closed: 0, recorded: rooms('general') })).toBe('Ban lifted. Noted in general.');
  });

  it('says what a mute does instead of counting closed connections (it closes none)', () => {
    const muted = resultText(t, 'mute', { closed: 0, recorded: rooms('general') }, 'general');
    expect(muted).toBe('Muted in general: what they send there is refused until the mute ends. Noted in general.');
    expect(muted).not.toMatch(/closed/);
    expect(resultText(t, 'unmute', { closed: 0, recorded: rooms('general') }, 'general')).toBe(
      'Unmuted in general: they may write there again. Noted in general.',
    );
    expect(resultText(zh, 'mute', { closed: 0, recorded: rooms('general') }, 'general')).not.toMatch(/\{/);
  });
});
