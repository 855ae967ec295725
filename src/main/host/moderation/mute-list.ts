import { MAX_MUTES, type MuteInfo } from '../../../shared/moderation.ts';
import type { ModerationStore } from '../../store/index.ts';
import type { Room } from '../rooms/room.ts';

export interface Mute {
  readonly room: Room;
  readonly device: string;
  readonly reason: string;
  readonly createdAt: number;
  readonly until: number | null;
  /** The device's nickname when it was muted; null when unknown. */
  readonly nick: string | null;
}

const inForce = (mute: Mute, now: number) => mute.until === null || mute.until > now;

/**
 * Devices muted in rooms: by room name, then device tag, for the check on every `send` and
 * `typing` (two map lookups, none when nobody is muted). Written through to the store; expired
 * mutes stop at once and are deleted when next met.
 */
export class MuteList {
  readonly #store: ModerationStore;
  readonly #byRoom = new Map<string, Map<string, Mute>>();
  #count = 0;

  constructor(store: ModerationStore, rooms: readonly Room[], now: number) {
    this.#store = store;
    const byId = new Map(rooms.map((room) => [room.id, room]));
    for (const record of store.mutes(now)) {
      const room = byId.get(record.roomId);
      if (room) this.#set({ ...record, room });
    }
  }

  /** Mute `device` in the room, replacing an earlier mute of it there. Throws a RangeError past MAX_MUTES. */
  put(mute: Omit<Mute, 'createdAt'>, now: number): Mute {
    const replacing = this.#byRoom.get(mute.room.name)?.has(mute.device) ?? false;
    if (!replacing && this.list(now).length >= MAX_MUTES) {
      throw new RangeError(`the host keeps at most ${MAX_MUTES} mutes; lift one first`);
    }
    const stored = { ...mute, createdAt: now };
    this.#store.putMute({
      roomId: mute.room.id,
      device: mute.device,
      reason: mute.reason,
      createdAt: now,
      until: mute.until,
      nick: mute.nick,
    });
    this.#set(stored);
    return stored;
  }

  /** Lift a mute; undefined when the device is not muted there. */
  remove(room: Room, device: string, now: number): Mute | undefined {
    const mute = this.#byRoom.get(room.name)?.get(device);
    if (!mute) return undefined;
    this.#delete(mute);
    return inForce(mute, now) ? mute : undefined;
  }

  /** Null when `device` may post in `room` now; else the ms until it may (Infinity: until unmuted). */
  wait(room: string, device: string, now: number): number | null {
    if (this.#count === 0) return null;
    const mute = this.#byRoom.get(room)?.get(device);
    if (!mute) return null;
    if (!inForce(mute, now)) {
      this.#delete(mute);
      return null;
    }
    return mute.until === null ? Infinity : mute.until - now;
  }

  /** The mutes in force; expired ones are deleted here. */
  list(now: number): Mute[] {
    const all: Mute[] = [];
    for (const mutes of this.#byRoom.values()) {
      for (const mute of mutes.values()) {
        if (inForce(mute, now)) all.push(mute);
        else this.#delete(mute);
      }
    }
    return all;
  }

  #set(mute: Mute): void {
    let mutes = this.#byRoom.get(mute.room.name);
    if (!mutes) this.#byRoom.set(mute.room.name, (mutes = new Map()));
    if (!mutes.has(mute.device)) this.#count++;
    mutes.set(mute.device, mute);
  }

  #delete(mute: Mute): void {
    const mutes = this.#byRoom.get(mute.room.name);
    if (!mutes?.delete(mute.device)) return;
    this.#count--;
    if (mutes.size === 0) this.#byRoom.delete(mute.room.name);
    this.#store.removeMute(mute.room.id, mute.device);
  }
}

/** The mute as the view shows it; `nickNow` is the device's nickname if it is connected now (it wins). */
export function muteInfoOf(mute: Mute, nickNow?: string): MuteInfo {
  const nick = nickNow ?? mute.nick;
  return {
    room: mute.room.name,
    device: mute.device,
    reason: mute.reason,
    createdAt: mute.createdAt,
    until: mute.until,
    ...(nick ? { nick } : {}),
  };
}
