/** Waits between reconnect attempts: exponential from `baseMs`, capped at `maxMs`, with ±20 % jitter so a room full of clients does not reconnect in lockstep after a host restart. */
export interface ReconnectPolicy {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay added or removed at random (0.2 = ±20 %). */
  jitter: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { baseMs: 500, maxMs: 30_000, jitter: 0.2 };

/** Delay before attempt number `attempt` (1 = the first retry). `random` returns [0, 1). */
export function reconnectDelay(
  attempt: number,
  policy: ReconnectPolicy = DEFAULT_RECONNECT,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const spread = exponential * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(exponential + spread));
}

/**
 * Close codes after which retrying cannot help until something changes: another protocol version
 * (4002), a kick by the operator (4003: the person reconnects when ready), a ban (4004).
 */
export function closeIsFinal(code: number): boolean {
  return code === 4002 || code === 4003 || code === 4004;
}
