import type { ModerationResult } from '../../../../shared/moderation.ts';
import type { ModerationAction } from '../../../../shared/protocol/index.ts';
import type { Locale } from '../i18n/locale.svelte.ts';

/**
 * What an action did, in words for the operator: what it closed (kick, ban) or what it does (a mute
 * closes nothing), and where it was noted — each count in its own singular or plural sentence.
 */
export function resultText(
  t: Locale['t'],
  action: ModerationAction,
  result: ModerationResult,
  room = result.recorded[0]?.room ?? '',
): string {
  const n = result.recorded.length;
  const recorded =
    n === 0
      ? t('moderation.recorded.none')
      : n === 1
        ? t('moderation.recorded.one', { room: result.recorded[0]!.room })
        : // A ban and its lifting are noted in every room: it keeps the person out of all of them.
          t(action === 'ban' || action === 'unban' ? 'moderation.recorded.host' : 'moderation.recorded.many', {
            count: n,
          });
  switch (action) {
    case 'kick':
      return t('moderation.done.kick', { recorded });
    case 'ban': {
      const c = result.closed;
      const closed =
        c === 0
          ? t('moderation.closed.none')
          : c === 1
            ? t('moderation.closed.one')
            : t('moderation.closed.many', { count: c });
      return t('moderation.done.ban', { closed, recorded });
    }
    case 'unban':
      return t('moderation.done.unban', { recorded });
    case 'mute':
      return t('moderation.done.mute', { room, recorded });
    case 'unmute':
      return t('moderation.done.unmute', { room, recorded });
  }
}
