import { z } from 'zod';
import { messageText, nickname, timestamp } from './fields.ts';

/** Longest reason an operator may give for a kick, ban or mute, in UTF-16 code units. */
export const MAX_MODERATION_REASON_LENGTH = 200;
/** Longest plain-text fallback of a moderation message (the sentence the host writes from the action). */
export const MAX_MODERATION_TEXT_LENGTH = 400;

export const moderationAction = z.enum(['kick', 'ban', 'unban', 'mute', 'unmute']);
export type ModerationAction = z.infer<typeof moderationAction>;

/** Why the operator acted: shown to members in the room's record, so the same rules as chat text. */
export const moderationReason = messageText(MAX_MODERATION_REASON_LENGTH);

/**
 * The body of a `moderation` message: what the operator did, to whom, why and until when. An
 * address ban names no address (members are not told each other's addresses): `target.scope` says
 * it was one. `until` is absent for kicks and unbans/unmutes, null for "until lifted".
 */
export const moderationBody = z.object({
  action: moderationAction,
  target: z.object({
    scope: z.enum(['member', 'device', 'address']),
    /** The nickname the target had when the action was taken, when it was connected. */
    nick: nickname.optional(),
    /** The device tag (as in `from.device`), for member and device targets. */
    device: z.string().min(1).max(32).optional(),
  }),
  reason: moderationReason.optional(),
  until: timestamp.nullable().optional(),
});
export type ModerationBody = z.infer<typeof moderationBody>;
