import { formatBytes } from '../../../../shared/protocol/index.ts';

/** Short readings for the Connected table: rates, sizes, durations. Numbers only, no words to translate. */

/** 812 B, 4.2 KiB, 15 MiB, 1.2 GiB: formatBytes's steps, with the unit symbol for small counts too. */
export function bytesText(bytes: number): string {
  return formatBytes(Math.round(bytes), SYMBOL_B);
}

const SYMBOL_B = { one: 'B', other: 'B' };

/** How long since `since`: 42s, 5m, 3h 10m, 2d 4h. */
export function ageText(since: number, now: number): string {
  const s = Math.max(0, Math.floor((now - since) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
