import { formatBytes } from '../../../../shared/protocol/index.ts';
import type { Locale } from './locale.svelte.ts';

/** A byte count in the UI language: "41 bytes", "1 byte", "41 字节"; KiB and up read the same in each. */
export function formatSize(t: Locale['t'], bytes: number): string {
  return formatBytes(bytes, { one: t('unit.byte'), other: t('unit.bytes') });
}

/**
 * A size and the limit it passes, for "{size}: at most {limit}": exact byte counts when the rounded
 * ones would read the same ("1.0 MiB: at most 1.0 MiB" says nothing).
 */
export function sizeAndLimit(t: Locale['t'], size: number, limit: number): { size: string; limit: string } {
  const rounded = { size: formatSize(t, size), limit: formatSize(t, limit) };
  if (rounded.size !== rounded.limit) return rounded;
  const exact = (n: number) => `${n.toLocaleString()} ${t('unit.bytes')}`;
  return { size: exact(size), limit: exact(limit) };
}
