import type { Locale } from '../i18n/locale.svelte.ts';
import type { CloseInfo } from './connection.svelte.ts';

type T = Locale['t'];

/** ` “reason”` for a close that gave one, else nothing: empty quotes read as a glitch. */
export function quotedReason(reason: string): string {
  return reason ? ` “${reason}”` : '';
}

/** "1 reconnect attempt failed", "3 reconnect attempts failed". */
export function failedAttemptsWords(t: T, count: number): string {
  return count === 1 ? t('conn.retriesOne') : t('conn.retries', { count });
}

/**
 * The connection bar's line about the last close, and the reconnect attempts that failed since it
 * (0 once the host greets us again). Joined here, not in markup: Svelte drops the space at the
 * start of an `{#if}` block, which glued "clean·" together.
 */
export function lastCloseWords(
  t: T,
  close: Pick<CloseInfo, 'code' | 'reason' | 'wasClean'>,
  failedAttempts: number,
): string {
  const parts = [
    t('conn.lastClose', {
      code: close.code,
      reason: quotedReason(close.reason),
      clean: close.wasClean ? t('conn.clean') : t('conn.unclean'),
    }),
  ];
  if (failedAttempts > 0) parts.push(failedAttemptsWords(t, failedAttempts));
  return parts.join(' · ');
}
