import type { LocaleCode } from './locale.svelte.ts';

/**
 * Dates and times in the UI language, not the system's: a Chinese UI on an English system shows
 * 14:05 and 2024年3月5日, never "PM". Formatters are made once per language and kind: creating an
 * Intl.DateTimeFormat costs more than rendering the row that uses it.
 */
const OPTIONS = {
  // zh-CN says 下午2:05 for a 12-hour clock; a chat reads better on the 24-hour one.
  time: (code: LocaleCode): Intl.DateTimeFormatOptions => ({
    hour: '2-digit',
    minute: '2-digit',
    ...(code === 'zh-CN' ? { hourCycle: 'h23' } : {}),
  }),
  full: (code: LocaleCode): Intl.DateTimeFormatOptions => ({
    dateStyle: 'full',
    timeStyle: 'medium',
    ...(code === 'zh-CN' ? { hourCycle: 'h23' } : {}),
  }),
  short: (code: LocaleCode): Intl.DateTimeFormatOptions => ({
    dateStyle: 'short',
    timeStyle: 'short',
    ...(code === 'zh-CN' ? { hourCycle: 'h23' } : {}),
  }),
  day: (): Intl.DateTimeFormatOptions => ({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
} as const;

type Kind = keyof typeof OPTIONS;
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: Kind, code: LocaleCode): Intl.DateTimeFormat {
  const key = `${kind}/${code}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(code, OPTIONS[kind](code));
    cache.set(key, f);
  }
  return f;
}

/** A timestamp a Date can hold (hosts are not trusted to send one). */
export function validTime(ts: number): boolean {
  return Number.isFinite(new Date(ts).getTime());
}

/** Hours and minutes, for a message row. Empty for a timestamp no Date can hold. */
export function formatTime(ts: number, code: LocaleCode): string {
  return validTime(ts) ? formatter('time', code).format(ts) : '';
}

/** Date and time to the minute, for a moment that may be days away (a ban's or a mute's end). */
export function formatShort(ts: number, code: LocaleCode): string {
  return validTime(ts) ? formatter('short', code).format(ts) : '';
}

/** Weekday, date and time to the second, for the tooltip on a row's time. */
export function formatFull(ts: number, code: LocaleCode): string {
  return validTime(ts) ? formatter('full', code).format(ts) : '';
}

/** The local calendar day of `ts` as a number (days since the epoch, in local time); NaN if invalid. */
export function dayNumber(ts: number): number {
  if (!validTime(ts)) return Number.NaN;
  const d = new Date(ts);
  return Math.round(new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() / 86_400_000);
}

/**
 * The label of a day separator: 'today' and 'yesterday' (the caller words them), else the date
 * in the UI language with its weekday.
 */
export function dayLabel(
  ts: number,
  code: LocaleCode,
  now: number,
): { relative: 'today' | 'yesterday' } | { date: string } {
  if (!validTime(ts)) return { date: '' };
  const diff = dayNumber(now) - dayNumber(ts);
  if (diff === 0) return { relative: 'today' };
  if (diff === 1) return { relative: 'yesterday' };
  return { date: formatter('day', code).format(ts) };
}
