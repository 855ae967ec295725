import type { HostController } from './host-control/host-controller.ts';
import type { IpcServices } from './ipc.ts';

type ModerationChannels = 'getModeration' | 'kickMember' | 'banMember' | 'liftBan' | 'muteMember' | 'liftMute';

/**
 * What runs behind the host panel's moderation channels: each one call to the local host's
 * moderation through the controller (and the host worker). The IPC layer has validated the
 * arguments against the contract; the host validates them again.
 */
export function moderationServices(
  host: Pick<HostController, 'moderationView' | 'moderate'>,
): Pick<IpcServices, ModerationChannels> {
  return {
    getModeration: () => host.moderationView(),
    kickMember: (request) => host.moderate({ action: 'kick', request }),
    banMember: (request) => host.moderate({ action: 'ban', request }),
    liftBan: (request) => host.moderate({ action: 'unban', request }),
    muteMember: (request) => host.moderate({ action: 'mute', request }),
    liftMute: (request) => host.moderate({ action: 'unmute', request }),
  };
}
