/** Remembered (address, room) pairs at most; the oldest are forgotten first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  failures: number;
  until: number;
}

/**
 * Slows password guessing: after each wrong password from an address for a room, the next try is
 * refused until a wait that doubles each time (base, 2×base, 4×base … up to max).
 */
export class PasswordBackoff {
  readonly #base: number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();

  constructor(baseMs: number, maxMs: number) {
    this.#base = baseMs;
    this.#max = maxMs;
  }

  /** Ms to wait before `key` may try again; 0 when it may try now. */
  waitFor(key: string, now: number): number {
    const entry = this.#entries.get(key);
    return entry ? Math.max(0, entry.until - now) : 0;
  }

  failed(key: string, now: number): void {
    const failures = (this.#entries.get(key)?.failures ?? 0) + 1;
    const wait = Math.min(this.#max, this.#base * 2 ** (failures - 1));
    this.#entries.delete(key); // re-insert so Map order tracks recency
    this.#entries.set(key, { failures, until: now + wait });
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }

  succeeded(key: string): void {
    this.#entries.delete(key);
  }
}
