import { formatBytes } from '../../../../shared/protocol/index.ts';
import type { Locale } from './locale.svelte.ts';

/** A byte count in the UI language: "41 bytes", "1 byte", "41 字节"; KiB and up read the same in each. */
export function formatSize(t: Locale['t'], bytes: number): string {
  return formatBytes(bytes, { one: t('unit.byte'), other: t('unit.bytes') });
}
