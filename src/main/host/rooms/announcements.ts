import type { AnnouncementLevel } from '../../../shared/protocol/index.ts';
import { nickname } from '../../../shared/protocol/index.ts';
import { cutUnits } from '../../../shared/cut-text.ts';
import { postStored, type Stored } from './post-stored.ts';
import { HOST_DEVICE, type RoomHub } from './room-hub.ts';

export interface AnnounceOptions {
  /** The room to post in; default every room. */
  room?: string;
  level?: AnnouncementLevel;
  /** Shown as the poster. */
  nick?: string;
}

/** Where an announcement was stored. */
export type Announced = Stored;

/**
 * The host's name as a poster's nickname: cut to a nickname's length (never between the halves of
 * a surrogate pair, which no nickname may hold), `host` when nothing is left.
 */
export function defaultPosterNick(hostName: string): string {
  return cutUnits(hostName, 32).trim() || 'host';
}

/**
 * Post an operator announcement into one room or every room of the hub. Everything is checked
 * before anything is stored (the room, the nickname, the text against the kind's schema), so a bad
 * announcement fails whole instead of after some rooms stored it. Resolves once every room stored it.
 */
export function postAnnouncement(hub: RoomHub, text: string, options: AnnounceOptions = {}): Promise<Announced[]> {
  try {
    const nick = nickname.parse(options.nick ?? 'host');
    const target = options.room === undefined ? undefined : hub.get(options.room);
    if (options.room !== undefined && !target) throw new RangeError(`no room named ${JSON.stringify(options.room)}`);
    const content = hub.check({ kind: 'announcement', text, body: { level: options.level ?? 'info' } });
    const from = { nick, device: HOST_DEVICE, source: 'operator' } as const;
    const rooms = target ? [target] : hub.rooms();
    return Promise.all(rooms.map((room) => postStored(hub, room, { content, from, checked: true })));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
