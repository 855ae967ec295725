import { z } from 'zod';
import {
  banRequest,
  kickRequest,
  muteRequest,
  unbanRequest,
  unmuteRequest,
  type ModerationResult,
  type ModerationView,
} from '../../shared/moderation.ts';
import type { Moderation } from '../host/index.ts';

/** A moderation call from the controller to the host worker: the view, or one action with its request. */
export const moderationCall = z.discriminatedUnion('action', [
  z.object({ action: z.literal('view') }),
  z.object({ action: z.literal('kick'), request: kickRequest }),
  z.object({ action: z.literal('ban'), request: banRequest }),
  z.object({ action: z.literal('unban'), request: unbanRequest }),
  z.object({ action: z.literal('mute'), request: muteRequest }),
  z.object({ action: z.literal('unmute'), request: unmuteRequest }),
]);

export type ModerationCall = z.infer<typeof moderationCall>;
export type ModerationAction = Exclude<ModerationCall, { action: 'view' }>;

/** Run a call against the host's moderation (in the worker): the view, or what the action did. */
export async function runModerationCall(
  moderation: Moderation,
  call: ModerationCall,
): Promise<{ view: ModerationView } | { moderated: ModerationResult }> {
  switch (call.action) {
    case 'view':
      return { view: moderation.view() };
    case 'kick':
      return { moderated: await moderation.kick(call.request) };
    case 'ban':
      return { moderated: await moderation.ban(call.request) };
    case 'unban':
      return { moderated: await moderation.unban(call.request) };
    case 'mute':
      return { moderated: await moderation.mute(call.request) };
    case 'unmute':
      return { moderated: await moderation.unmute(call.request) };
  }
}
