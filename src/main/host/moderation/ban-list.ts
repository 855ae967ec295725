import { MAX_BANS, type BanInfo } from '../../../shared/moderation.ts';
import type { Logger } from '../../logger.ts';
import type { ModerationStore } from '../../store/index.ts';
import { parseAddressRange, type AddressRange } from './address-range.ts';

/** A ban in force: of one device tag, or of an address range. `until` null: until lifted. */
export interface Ban {
  readonly id: number;
  readonly device: string | null;
  readonly range: AddressRange | null;
  readonly reason: string;
  readonly createdAt: number;
  readonly until: number | null;
  /** A device ban: the device's nickname when it was banned; null when unknown (and for a range). */
  readonly nick: string | null;
}

export type NewBan = Omit<Ban, 'id' | 'createdAt'>;

const inForce = (ban: Ban, now: number) => ban.until === null || ban.until > now;

/**
 * The host's bans, in memory for the checks on every upgrade and `hello`, written through to the
 * store. Expired bans stop matching at once and are deleted when the list is next read. Few (at
 * most MAX_BANS), so a check walks the array; with no bans it costs one length test.
 */
export class BanList {
  readonly #store: ModerationStore;
  #bans: Ban[] = [];

  constructor(store: ModerationStore, now: number, logger: Logger) {
    this.#store = store;
    for (const record of store.bans(now)) {
      try {
        const range = record.range === null ? null : parseAddressRange(record.range);
        this.#bans.push({ ...record, range });
      } catch (error) {
        logger.warn(`ignoring stored ban ${record.id}: ${(error as Error).message}`);
      }
    }
  }

  /** Add a ban; throws a RangeError when MAX_BANS are in force. */
  add(ban: NewBan, now: number): Ban {
    if (this.list(now).length >= MAX_BANS)
      throw new RangeError(`the host keeps at most ${MAX_BANS} bans; lift one first`);
    const id = this.#store.addBan({
      device: ban.device,
      range: ban.range?.text ?? null,
      reason: ban.reason,
      createdAt: now,
      until: ban.until,
      nick: ban.nick,
    });
    const added = { ...ban, id, createdAt: now };
    this.#bans.push(added);
    return added;
  }

  /** Lift a ban; undefined when there is none of that id (or it has expired). */
  remove(id: number, now: number): Ban | undefined {
    const ban = this.list(now).find((b) => b.id === id);
    if (!ban) return undefined;
    this.#store.removeBan(id);
    this.#bans = this.#bans.filter((b) => b !== ban);
    return ban;
  }

  /** The bans in force, oldest first; expired ones are deleted here. */
  list(now: number): Ban[] {
    if (this.#bans.some((b) => !inForce(b, now))) {
      this.#bans = this.#bans.filter((b) => inForce(b, now));
      this.#store.bans(now); // deletes the expired rows
    }
    return this.#bans;
  }

  forDevice(device: string, now: number): Ban | undefined {
    if (this.#bans.length === 0) return undefined;
    return this.#bans.find((b) => b.device === device && inForce(b, now));
  }

  forAddress(address: string, now: number): Ban | undefined {
    if (this.#bans.length === 0) return undefined;
    return this.#bans.find((b) => b.range !== null && b.range.matches(address) && inForce(b, now));
  }
}

/** The ban as the view shows it; `nickNow` is the device's nickname if it is connected now (it wins). */
export function banInfoOf(ban: Ban, nickNow?: string): BanInfo {
  const nick = nickNow ?? ban.nick;
  return {
    id: ban.id,
    ...(ban.device !== null ? { device: ban.device } : {}),
    ...(ban.range !== null ? { range: ban.range.text } : {}),
    reason: ban.reason,
    createdAt: ban.createdAt,
    until: ban.until,
    ...(nick ? { nick } : {}),
  };
}
