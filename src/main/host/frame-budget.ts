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
 */
export class FrameBudget {
  readonly #limits: BudgetLimits;
  readonly #frames: TokenBucket;
  readonly #textBytes: TokenBucket;
  /** Made on the first binary frame: most connections never send one. */
  #binaryBytes: TokenBucket | undefined;
  #strikes = 0;
  #strikeAt = 0;

  constructor(limits: BudgetLimits, now: number) {
    this.#limits = limits;
    this.#frames = new TokenBucket(limits.ratePerSecond, limits.rateBurst, now);
    this.#textBytes = new TokenBucket(limits.textBytesPerSecond, limits.textBytesBurst, now);
  }

  /** Charge a text frame of `bytes`. 0 when it may be handled, else the ms until it would be. */
  text(bytes: number, now: number): number {
    // A frame refused for its bytes has spent its frame token: refused frames are not free either.
    const frames = this.#frames.take(now);
    if (frames > 0) return frames;
    return this.#textBytes.take(now, bytes);
  }

  /** Charge a binary frame of `bytes`. 0 when it may be handled, else the ms until it would be. */
  binary(bytes: number, now: number): number {
    const { binaryBytesPerSecond, binaryBytesBurst, binaryFrameMinCost } = this.#limits;
    this.#binaryBytes ??= new TokenBucket(binaryBytesPerSecond, binaryBytesBurst, now);
    return this.#binaryBytes.take(now, Math.max(bytes, binaryFrameMinCost));
  }

  /** One frame token, for work that is per frame whatever its size (an error reply to a binary frame). */
  frame(now: number): number {
    return this.#frames.take(now);
  }

  /** Count a refused frame. True when the connection is past `rateStrikes` and should be closed. */
  strike(now: number): boolean {
    this.#strikes = Math.max(0, this.#strikes - (now - this.#strikeAt) / 1000) + 1;
    this.#strikeAt = now;
    return this.#strikes > this.#limits.rateStrikes;
  }

  /** Strikes held now (decayed), for tests and diagnostics. */
  strikes(now: number): number {
    return Math.max(0, this.#strikes - (now - this.#strikeAt) / 1000);
  }
}
