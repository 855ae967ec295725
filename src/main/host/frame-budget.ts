import { TokenBucket } from '../../shared/token-bucket.ts';

export interface BudgetLimits {
  ratePerSecond: number;
  rateBurst: number;
  textBytesPerSecond: number;
  textBytesBurst: number;
  binaryBytesPerSecond: number;
  binaryBytesBurst: number;
  binaryFrameMinCost: number;
  rateStrikes: number;
}

/**
 * What one connection may send, charged as each frame arrives and before it is decoded, so a
 * frame that is expensive to decode costs its sender, not the host. Text frames take a frame token
 * and their bytes; binary frames take their bytes (at least `binaryFrameMinCost`). A refused frame
 * is a strike; strikes decay by one a second instead of resetting on the next good frame, so a
 * sender that stays over the limit is closed even if some of its frames get through.
 *
 * The two text buckets are plain fields rather than TokenBucket objects: every idle connection
 * carries one budget, and two objects fewer per connection is measurable (bench E).
 */
export class FrameBudget {
  readonly #limits: BudgetLimits;
  #frames: number;
  #textBytes: number;
  #refilledAt: number;
  /** Made on the first binary frame: most connections never send one. */
  #binaryBytes: TokenBucket | undefined;
  #strikes = 0;
  #strikeAt = 0;

  constructor(limits: BudgetLimits, now: number) {
    this.#limits = limits;
    this.#frames = limits.rateBurst;
    this.#textBytes = limits.textBytesBurst;
    this.#refilledAt = now;
  }

  /** Charge a text frame of `bytes`. 0 when it may be handled, else the ms until it would be. */
  text(bytes: number, now: number): number {
    const { ratePerSecond, textBytesPerSecond, textBytesBurst } = this.#limits;
    this.#refill(now);
    // Nothing is taken unless both budgets allow the frame. A cost above the burst is charged as the whole burst, so the largest frame is never refused forever.
    const cost = Math.min(bytes, textBytesBurst);
    const frameWait = this.#frames >= 1 ? 0 : Math.ceil(((1 - this.#frames) * 1000) / ratePerSecond);
    const byteWait = this.#textBytes >= cost ? 0 : Math.ceil(((cost - this.#textBytes) * 1000) / textBytesPerSecond);
    if (frameWait > 0 || byteWait > 0) return Math.max(frameWait, byteWait);
    this.#frames -= 1;
    this.#textBytes -= cost;
    return 0;
  }

  /** Charge a binary frame of `bytes`. 0 when it may be handled, else the ms until it would be. */
  binary(bytes: number, now: number): number {
    const { binaryBytesPerSecond, binaryBytesBurst, binaryFrameMinCost } = this.#limits;
    this.#binaryBytes ??= new TokenBucket(binaryBytesPerSecond, binaryBytesBurst, now);
    return this.#binaryBytes.take(now, Math.max(bytes, binaryFrameMinCost));
  }

  /**
   * Charge a binary frame on /ws, which is handled whatever the budget says: 0 while within it, else
   * the ms the connection's socket should go unread so that, on average, it keeps to the budget. An
   * upload is slowed down by TCP's own backpressure instead of losing chunks it must send again.
   */
  binaryBackpressure(bytes: number, now: number): number {
    const { binaryBytesPerSecond, binaryBytesBurst, binaryFrameMinCost } = this.#limits;
    this.#binaryBytes ??= new TokenBucket(binaryBytesPerSecond, binaryBytesBurst, now);
    return this.#binaryBytes.charge(now, Math.max(bytes, binaryFrameMinCost));
  }

  /** One frame token, for work that is per frame whatever its size (an error reply to a binary frame). */
  frame(now: number): number {
    const { ratePerSecond } = this.#limits;
    this.#refill(now);
    if (this.#frames < 1) return Math.ceil(((1 - this.#frames) * 1000) / ratePerSecond);
    this.#frames -= 1;
    return 0;
  }

  #refill(now: number): void {
    const { ratePerSecond, rateBurst, textBytesPerSecond, textBytesBurst } = this.#limits;
    const elapsed = Math.max(0, now - this.#refilledAt) / 1000;
    this.#refilledAt = now;
    this.#frames = Math.min(rateBurst, this.#frames + elapsed * ratePerSecond);
    this.#textBytes = Math.min(textBytesBurst, this.#textBytes + elapsed * textBytesPerSecond);
  }

  /** Count a refused frame. True when the connection is past `rateStrikes` and should be closed. */
  strike(now: number): boolean {
    this.#strikes = this.strikes(now) + 1;
    this.#strikeAt = now;
    return this.#strikes > this.#limits.rateStrikes;
  }

  /** Strikes held now (decayed), for tests and diagnostics. */
  strikes(now: number): number {
    return Math.max(0, this.#strikes - (now - this.#strikeAt) / 1000);
  }
}
