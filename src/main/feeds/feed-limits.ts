/**
 * Every limit of command feeds and host metrics, with its default, in one place; docs/protocol.md
 * ("Feeds") lists the same numbers. Counts are lines, times ms, sizes bytes.
 */
export const DEFAULT_FEED_LIMITS = {
  /**
   * Lines that arrive within this many ms of the last stored batch wait and go out together (one
   * stored message, one write per viewer). The first line after a quiet spell goes at once.
   */
  batchMs: 10,
  /** Lines waiting for the next batch at most; more are dropped and counted (`skipped`). */
  maxPendingLines: 5000,
  /** Lines a feed may store per second on average (token-bucket refill); over it lines are dropped and counted. */
  linesPerSecond: 5000,
  /** Lines a feed may store in a burst above the average (token-bucket size). */
  linesBurst: 20_000,
  /** Lines of each feed kept in the room's history; older batches are deleted. */
  retainLines: 10_000,
  /**
   * A viewer with more than this many bytes still queued is not sent the next feed batch; once it
   * has drained it gets one `skipped` frame for everything it missed, then the live lines again.
   */
  viewerMaxQueuedBytes: 1024 * 1024,
  /** Bytes of one line read from a process before it is cut (the stored line is then cut to MAX_FEED_LINE_LENGTH). */
  maxLineBytes: 16 * 1024,
  /** First wait before restarting a process that failed; doubles with each failure in a row. */
  restartBaseMs: 1000,
  /** Longest wait before a restart. */
  restartMaxMs: 60_000,
  /** A run this long counts as healthy: the next failure waits restartBaseMs again. */
  stableMs: 10_000,
  /** After SIGTERM on stop, the wait before SIGKILL. */
  stopGraceMs: 2000,
  /** Interval between host metrics samples. */
  metricsIntervalMs: 1000,
} as const;

export type FeedLimits = { -readonly [K in keyof typeof DEFAULT_FEED_LIMITS]: number };

/** Merge overrides over the defaults once, refusing anything but positive whole numbers. */
export function resolveFeedLimits(overrides: Partial<FeedLimits> = {}): FeedLimits {
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(DEFAULT_FEED_LIMITS, name)) throw new TypeError(`unknown feed limit ${JSON.stringify(name)}`);
    if (!Number.isInteger(value) || value <= 0) {
      throw new TypeError(`feed limit ${name} must be a positive whole number, not ${String(value)}`);
    }
  }
  return { ...DEFAULT_FEED_LIMITS, ...overrides };
}
