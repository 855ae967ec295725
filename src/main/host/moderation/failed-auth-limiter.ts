import { TokenBucket } from '../../../shared/token-bucket.ts';

/** Wrong or missing admin secrets one address may send in a burst. */
export const ADMIN_FAILURE_BURST = 10;
/** Wrong secrets per minute one address may send after its burst. */
export const ADMIN_FAILURES_PER_MINUTE = 10;
/** Addresses remembered at once; past it the oldest is forgotten (it can only have been guessing). */
export const ADMIN_FAILURE_ADDRESSES = 4096;

/**
 * Counts failed admin logins per address: a burst, then a steady trickle. An address over it is
 * refused (429) without its secret being looked at, so guessing 256 bits stays hopeless and cheap.
 */
export class FailedAuthLimiter {
  readonly #entries = new Map<string, { bucket: TokenBucket; blockedUntil: number }>();

  /** Ms the address must wait before its next try; 0 when it may try now. */
  wait(address: string, now: number): number {
    const entry = this.#entries.get(address);
    return entry ? Math.max(0, entry.blockedUntil - now) : 0;
  }

  /** Count a failure; returns the ms the address must now wait (0 while within its burst). */
  failed(address: string, now: number): number {
    let entry = this.#entries.get(address);
    if (!entry) {
      if (this.#entries.size >= ADMIN_FAILURE_ADDRESSES) this.#entries.delete(this.#entries.keys().next().value!);
      entry = { bucket: new TokenBucket(ADMIN_FAILURES_PER_MINUTE / 60, ADMIN_FAILURE_BURST, now), blockedUntil: 0 };
      this.#entries.set(address, entry);
    }
    const wait = entry.bucket.take(now);
    if (wait > 0) entry.blockedUntil = now + wait;
    return wait;
  }
}
