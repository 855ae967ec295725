import type { ModerationBody } from '../../../shared/protocol/index.ts';
import { postStored, type Stored } from '../rooms/post-stored.ts';
import type { Room } from '../rooms/room.ts';
import { HOST_DEVICE, type RoomHub } from '../rooms/room-hub.ts';

/** A span of ms in words: "45 seconds", "10 minutes", "2 hours", "3 days" (rounded to the unit). */
export function durationText(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size || size === 1000) {
      const n = Math.max(1, Math.round(ms / size));
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return '';
}

/**
 * The plain-text fallback of a moderation message, in English like the host's other notices: who,
 * what, for how long, why. Clients that know the kind show their own words from the body.
 */
export function moderationText(body: ModerationBody, now: number): string {
  const { target } = body;
  const who =
    target.scope === 'address'
      ? 'An address range'
      : (target.nick ?? (target.device ? `Device ${target.device}` : 'A member'));
  const span =
    body.until === undefined ? '' : body.until === null ? ' until lifted' : ` for ${durationText(body.until - now)}`;
  const why = body.reason ? `: ${body.reason}` : '.';
  switch (body.action) {
    case 'kick':
      return `${who} was removed from the host by the operator${why}`;
    case 'ban':
      return `${who} was banned from the host${span}${why}`;
    case 'unban':
      return `The ban of ${who === 'An address range' ? 'an address range' : who} was lifted${why}`;
    case 'mute':
      return `${who} was muted in this room${span}${why}`;
    case 'unmute':
      return `${who} may write in this room again${why}`;
  }
}

/** Store the record of an action in each of `rooms`, from the operator; resolves with where it went. */
export function recordModeration(
  hub: RoomHub,
  rooms: readonly Room[],
  body: ModerationBody,
  nick: string,
  now: number,
): Promise<Stored[]> {
  const content = hub.check({ kind: 'moderation', text: moderationText(body, now), body });
  const from = { nick, device: HOST_DEVICE, source: 'operator' } as const;
  return Promise.all(rooms.map((room) => postStored(hub, room, { content, from, checked: true })));
}
