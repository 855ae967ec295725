/**
 * Token bucket: `rate` tokens per second refill a bucket of `burst`. A frame takes one token (or,
 * for a byte budget, one per byte); an empty bucket means the frame is over the limit.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(rate: number, burst: number, now: number) {
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /**
   * Take `cost` tokens (default 1). Returns 0 when granted, else the ms until they would be. A cost
   * above the burst is charged as the whole burst, so the largest allowed frame is never refused forever.
   */
  take(now: number, cost = 1): number {
    this.#refill(now);
    const need = Math.min(cost, this.#burst);
    if (this.#tokens >= need) {
      this.#tokens -= need;
      return 0;
    }
    return Math.ceil(((need - this.#tokens) * 1000) / this.#rate);
  }

  /**
   * Take `cost` tokens (at most the burst) even when the bucket holds fewer, going into debt.
   * Returns 0 while it holds enough, else the ms until the debt is paid: for a sender that is slowed
   * down (its socket not read for that long) rather than refused.
   */
  charge(now: number, cost: number): number {
    this.#refill(now);
    this.#tokens -= Math.min(cost, this.#burst);
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens * 1000) / this.#rate);
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
  }
}
