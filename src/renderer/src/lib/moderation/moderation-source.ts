import type { TincanBridge } from '../../../../shared/bridge.ts';
import {
  moderationResult,
  moderationView,
  type BanRequest,
  type KickRequest,
  type ModerationResult,
  type ModerationView,
  type MuteRequest,
  type UnbanRequest,
  type UnmuteRequest,
} from '../../../../shared/moderation.ts';

/** Where the Connected table reads the host's view and sends its actions: the desktop bridge, or the admin API. */
export interface ModerationSource {
  view(): Promise<ModerationView>;
  kick(request: KickRequest): Promise<ModerationResult>;
  ban(request: BanRequest): Promise<ModerationResult>;
  unban(request: UnbanRequest): Promise<ModerationResult>;
  mute(request: MuteRequest): Promise<ModerationResult>;
  unmute(request: UnmuteRequest): Promise<ModerationResult>;
}

/** The desktop app's own host, over IPC (validated in the main process). */
export function bridgeModerationSource(bridge: TincanBridge): ModerationSource {
  return {
    view: () => bridge.getModeration(),
    kick: (request) => bridge.kickMember(request),
    ban: (request) => bridge.banMember(request),
    unban: (request) => bridge.liftBan(request),
    mute: (request) => bridge.muteMember(request),
    unmute: (request) => bridge.liftMute(request),
  };
}

/** An admin API answer that is not 200: its status and the host's reason. */
export class AdminApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * A headless host's admin API (docs/protocol.md §15), with the secret in the Authorization header.
 * Answers are checked against the same schemas as everywhere else before the page uses them.
 */
export function adminApiModerationSource(
  origin: string,
  secret: string,
  fetchImpl: typeof fetch = (...args) => fetch(...args),
): ModerationSource {
  async function call<T>(route: string, schema: { parse(v: unknown): T }, body?: unknown): Promise<T> {
    const response = await fetchImpl(`${origin}/admin/api/${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        Authorization: `Bearer ${secret}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      cache: 'no-store',
    });
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const reason = (json as { error?: unknown } | null)?.error;
      throw new AdminApiError(response.status, typeof reason === 'string' ? reason : `HTTP ${response.status}`);
    }
    return schema.parse(json);
  }
  return {
    view: () => call('view', moderationView),
    kick: (request) => call('kick', moderationResult, request),
    ban: (request) => call('ban', moderationResult, request),
    unban: (request) => call('unban', moderationResult, request),
    mute: (request) => call('mute', moderationResult, request),
    unmute: (request) => call('unmute', moderationResult, request),
  };
}
