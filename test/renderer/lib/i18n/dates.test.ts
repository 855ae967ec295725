import { describe, expect, it } from 'vitest';
import { dayLabel, dayNumber, formatFull, formatTime } from '../../../../src/renderer/src/lib/i18n/dates.ts';

// 2024-03-05 14:07:09 in local time: the expectations below do not depend on the machine's zone.
const afternoon = new Date(2024, 2, 5, 14, 7, 9).getTime();

describe('dates in the UI language', () => {
  it('shows a 24-hour time in Chinese (no AM, no 上午/下午) and the English clock in English', () => {
    expect(formatTime(afternoon, 'zh-CN')).toBe('14:07');
    expect(formatTime(afternoon, 'en')).toBe('02:07 PM');
  });

  it('gives the full date and time for the tooltip', () => {
    expect(formatFull(afternoon, 'en')).toBe('Tuesday, March 5, 2024 at 2:07:09 PM');
    expect(formatFull(afternoon, 'zh-CN')).toBe('2024年3月5日星期二 14:07:09');
  });

  it('labels days relative to now, and by date beyond yesterday', () => {
    const now = new Date(2024, 2, 6, 9, 0).getTime();
    expect(dayLabel(now - 60_000, 'en', now)).toEqual({ relative: 'today' });
    expect(dayLabel(afternoon, 'en', now)).toEqual({ relative: 'yesterday' });
    expect(dayLabel(new Date(2024, 2, 4, 23, 59).getTime(), 'en', now)).toEqual({ date: 'Monday, March 4, 2024' });
    expect(dayLabel(new Date(2024, 2, 4, 0, 1).getTime(), 'zh-CN', now)).toEqual({ date: '2024年3月4日星期一' });
    // Midnight splits days; the same calendar day is one number however late.
    expect(dayNumber(new Date(2024, 2, 5, 0, 0).getTime())).toBe(dayNumber(new Date(2024, 2, 5, 23, 59).getTime()));
  });

  it('shows nothing, rather than throwing, for a timestamp no Date can hold', () => {
    expect(formatTime(8.64e15 + 1, 'en')).toBe('');
    expect(formatFull(Number.NaN, 'zh-CN')).toBe('');
    expect(dayLabel(Number.POSITIVE_INFINITY, 'en', Date.now())).toEqual({ date: '' });
  });
});
