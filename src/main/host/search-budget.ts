export interface SearchBudgetLimits {
  searchMsPerSecond: number;
  searchMsBurst: number;
  hostSearchMsPerSecond: number;
  hostSearchMsBurst: number;
}

/** A balance of milliseconds that refills at `rate` per second up to `burst`, and may go into debt. */
class TimeBalance {
  readonly #rate: number;
  readonly #burst: number;
  #balance: number;
  #at: number;

  constructor(rate: number, burst: number, now: number) {
    this.#rate = rate;
    this.#burst = burst;
    this.#balance = burst;
    this.#at = now;
  }

  /** 0 when the balance is positive, else the ms until it will be. */
  wait(now: number): number {
    this.#refill(now);
    return this.#balance > 0 ? 0 : Math.ceil((-this.#balance * 1000) / this.#rate) + 1;
  }

  charge(ms: number, now: number): void {
    this.#refill(now);
    this.#balance -= ms;
  }

  #refill(now: number): void {
    this.#balance = Math.min(this.#burst, this.#balance + (Math.max(0, now - this.#at) * this.#rate) / 1000);
    this.#at = now;
  }
}

/**
 * The host's time spent searching, as budgets: one per connection and one for the whole host. A
 * search is let through while both are positive and then charged what it really took, so the
 * connection that asks pays for its searches, and all of them together cannot take more than a
 * set share of the host's time (the rest is for chat). Per-connection balances are made on a
 * connection's first search and forgotten with it.
 */
export class SearchBudget {
  readonly #limits: SearchBudgetLimits;
  readonly #host: TimeBalance;
  readonly #connections = new WeakMap<object, TimeBalance>();

  constructor(limits: SearchBudgetLimits, now: number) {
    this.#limits = limits;
    this.#host = new TimeBalance(limits.hostSearchMsPerSecond, limits.hostSearchMsBurst, now);
  }

  /** 0 when `who` may search now, else the ms to wait. */
  wait(who: object, now: number): number {
    return Math.max(this.#of(who, now).wait(now), this.#host.wait(now));
  }

  /** Charge a search that took `ms` to `who` and to the host. */
  charge(who: object, ms: number, now: number): void {
    this.#of(who, now).charge(ms, now);
    this.#host.charge(ms, now);
  }

  #of(who: object, now: number): TimeBalance {
    let balance = this.#connections.get(who);
    if (!balance) {
      balance = new TimeBalance(this.#limits.searchMsPerSecond, this.#limits.searchMsBurst, now);
      this.#connections.set(who, balance);
    }
    return balance;
  }
}
