import { formatShort } from '../i18n/dates.ts';
import type { Locale } from '../i18n/locale.svelte.ts';
import type { CloseInfo } from './connection.svelte.ts';

/**
 * What a member the operator removed reads in the room, in place of the composer: kicked (4003) or
 * banned (4004), the operator's reason (the close reason after its "kicked: " / "banned: "), and for
 * a ban until when. Null for any other close: the connection bar says those.
 */
export function removalWords(
  locale: Pick<Locale, 't' | 'code'>,
  close: Pick<CloseInfo, 'code' | 'reason'> | null,
  bannedUntil: number | null,
): string | null {
  const { t } = locale;
  if (close?.code !== 4003 && close?.code !== 4004) return null;
  // Only what follows the host's "kicked: " / "banned: " is the operator's; "kicked by the host" or a
  // bare "banned" carries no reason.
  const reason = /^(?:kicked|banned): (.+)$/s.exec(close.reason)?.[1] ?? '';
  const head =
    close.code === 4003
      ? t('room.kicked')
      : bannedUntil === null || bannedUntil === Infinity
        ? t('room.bannedUntilLifted')
        : t('room.bannedUntil', { time: formatShort(bannedUntil, locale.code) });
  return reason ? `${head} ${t('room.removedReason', { reason })}` : head;
}
