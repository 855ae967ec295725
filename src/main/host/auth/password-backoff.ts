import { TokenBucket } from '../../../shared/token-bucket.ts';

/** Remembered (address, room) pairs at most; the oldest are forgotten first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  failures: number;
  until: number;
  /** A check for this pair is running (a SCRAM challenge waits for its proof): no second one starts meanwhile. */
  checking: boolean;
}

export interface BackoffLimits {
  passwordBackoffBaseMs: number;
  passwordBackoffMaxMs: number;
  passwordChecksPerRoomPerSecond: number;
  passwordChecksPerRoomBurst: number;
}

/** Why a password check may not start now, and for how long. */
export interface Refused {
  retryAfterMs: number;
}

/**
 * Slows password guessing, counting attempts when they start rather than when they end:
 *  - per (address, room): one check at a time, and after each wrong try the next waits 500 ms,
 *    1 s, 2 s … up to 30 s (`passwordBackoff*`);
 *  - per room, across addresses: addresses that already failed for the room share a budget of
 *    checks (`passwordChecksPerRoom*`), so many addresses cannot guess in parallel;
 *  - an address's first try for a room never draws on that budget, so a member typing the right
 *    password is not queued behind an attacker.
 */
export class PasswordBackoff {
  readonly #limits: BackoffLimits;
  readonly #entries = new Map<string, Entry>();
  readonly #rooms = new Map<string, TokenBucket>();

  constructor(limits: BackoffLimits) {
    this.#limits = limits;
  }

  /**
   * Start a check for `address` in `room`: null when it may run (it is then counted as running
   * until `finish`), else how long to wait.
   */
  begin(address: string, room: string, now: number): Refused | null {
    const key = `${address}|${room}`;
    const entry = this.#entries.get(key);
    if (entry?.checking) return { retryAfterMs: this.#limits.passwordBackoffBaseMs };
    if (entry && entry.until > now) return { retryAfterMs: entry.until - now };
    if (entry && entry.failures > 0) {
      const wait = this.#room(room, now).take(now);
      if (wait > 0) return { retryAfterMs: wait };
    }
    this.#touch(key, entry ?? { failures: 0, until: 0, checking: false }).checking = true;
    return null;
  }

  /** The check that `begin` allowed has ended. Returns the wait a failure now imposes (0 on success). */
  finish(address: string, room: string, accepted: boolean, now: number): number {
    const key = `${address}|${room}`;
    if (accepted) {
      this.#entries.delete(key);
      return 0;
    }
    const entry = this.#entries.get(key) ?? { failures: 0, until: 0, checking: false };
    entry.checking = false;
    entry.failures++;
    const { passwordBackoffBaseMs: base, passwordBackoffMaxMs: max } = this.#limits;
    const wait = Math.min(max, base * 2 ** (entry.failures - 1));
    entry.until = now + wait;
    this.#touch(key, entry);
    return wait;
  }

  /** Re-insert so Map order tracks recency; forget the oldest past MAX_ENTRIES. */
  #touch(key: string, entry: Entry): Entry {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > MAX_ENTRIES) {
      for (const [oldest, e] of this.#entries) {
        if (!e.checking) {
          this.#entries.delete(oldest);
          break;
        }
      }
    }
    return entry;
  }

  #room(room: string, now: number): TokenBucket {
    let bucket = this.#rooms.get(room);
    if (!bucket) {
      const { passwordChecksPerRoomPerSecond: rate, passwordChecksPerRoomBurst: burst } = this.#limits;
      this.#rooms.set(room, (bucket = new TokenBucket(rate, burst, now)));
    }
    return bucket;
  }
}
