import { z } from 'zod';
import { roomName } from '../../../../shared/protocol/index.ts';
import type { KeyValueStorage } from '../net/outbox.ts';

/** Where the rooms this app was in are kept (browser storage; the desktop renderer has one too). */
export const REMEMBERED_ROOMS_KEY = 'tincan.rooms';
/** At most this many rooms per host, and hosts, are kept: storage is not a place to grow without end. */
export const MAX_REMEMBERED_ROOMS = 50;
export const MAX_REMEMBERED_HOSTS = 20;

const remembered = z.object({
  room: roomName,
  /**
   * The session ticket of a password room (bound by the host to this device, room and password, and
   * expiring), so a reload rejoins without asking for the password again, as a reconnect does.
   */
  ticket: z.string().min(1).max(4096).optional(),
});
export type RememberedRoom = z.infer<typeof remembered>;

const stored = z.object({
  hosts: z.record(z.string().min(1).max(300), z.array(remembered).max(MAX_REMEMBERED_ROOMS)),
  /** The room that was open, to show it again. */
  open: z.object({ host: z.string().min(1).max(300), room: roomName }).nullable(),
});
type Stored = z.infer<typeof stored>;

/**
 * The rooms joined on each host, kept across reloads and restarts so the app comes back where the
 * person left it: joined again on connecting to that host, and the room that was open shown again.
 * What storage holds is checked on reading (another version, or a hand edit, may have written it);
 * anything that does not fit is dropped, never trusted.
 */
export class RememberedRooms {
  readonly #storage: KeyValueStorage;
  #state: Stored;

  constructor(storage: KeyValueStorage) {
    this.#storage = storage;
    this.#state = this.#load();
  }

  /** The rooms to join again on `host`, in the order they were joined. */
  on(host: string): readonly RememberedRoom[] {
    return this.#state.hosts[host] ?? [];
  }

  /** The hosts with rooms to join again, the most recently joined last. */
  hosts(): string[] {
    return Object.keys(this.#state.hosts);
  }

  /** The room that was open, if any. */
  get open(): { host: string; room: string } | null {
    return this.#state.open;
  }

  /** Keep `room` on `host` (again: a new ticket replaces the old one). */
  remember(host: string, room: string, ticket?: string): void {
    const rooms = this.on(host).filter((r) => r.room !== room);
    const entry: RememberedRoom = ticket === undefined ? { room } : { room, ticket };
    // The newest last; past the cap, the oldest go.
    const next = [...rooms, entry].slice(-MAX_REMEMBERED_ROOMS);
    const others = Object.entries(this.#state.hosts).filter(([key]) => key !== host);
    this.#state = {
      ...this.#state,
      hosts: Object.fromEntries([...others.slice(-(MAX_REMEMBERED_HOSTS - 1)), [host, next]]),
    };
    this.#save();
  }

  /** The person left `room` on `host`: do not join it again. */
  forget(host: string, room: string): void {
    const rooms = this.on(host).filter((r) => r.room !== room);
    const hosts = { ...this.#state.hosts };
    if (rooms.length > 0) hosts[host] = rooms;
    else delete hosts[host];
    const open = this.#state.open?.host === host && this.#state.open.room === room ? null : this.#state.open;
    this.#state = { hosts, open };
    this.#save();
  }

  /** Keep which room is open (null: none, e.g. the home view). */
  setOpen(open: { host: string; room: string } | null): void {
    const same = open?.host === this.#state.open?.host && open?.room === this.#state.open?.room;
    if (same) return;
    this.#state = { ...this.#state, open };
    this.#save();
  }

  #load(): Stored {
    try {
      const parsed = stored.safeParse(JSON.parse(this.#storage.getItem(REMEMBERED_ROOMS_KEY) ?? 'null'));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: start afresh
    }
    return { hosts: {}, open: null };
  }

  #save(): void {
    try {
      this.#storage.setItem(REMEMBERED_ROOMS_KEY, JSON.stringify(this.#state));
    } catch {
      // storage full or refused (private mode): the rooms are then joined for this session only
    }
  }
}
