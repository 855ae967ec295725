import type { TrafficInfo } from '../../../shared/moderation.ts';

/** Shortest window a rate is measured over; views asked for more often get the last rates again. */
export const RATE_WINDOW_MS = 1000;

type Four = [number, number, number, number];

/**
 * A connection's traffic from the moment the operator first looked at it: the counters its session
 * bumps, and the last sample the rates are measured from. Made by the first view, not at connect,
 * so a host nobody watches carries one empty slot per connection and counts nothing.
 */
export class TrafficCounts {
  messagesIn = 0;
  bytesIn = 0;
  messagesOut = 0;
  /** The session's bytes written when counting began (bytes out are its own running total). */
  readonly bytesOutAtStart: number;
  at: number;
  counts: Four = [0, 0, 0, 0];
  rates: Four = [0, 0, 0, 0];

  constructor(bytesOut: number, now: number) {
    this.bytesOutAtStart = bytesOut;
    this.at = now;
  }
}

/** What the rates are read from: a session. */
export interface Counted {
  traffic: TrafficCounts | undefined;
  readonly bytesOut: number;
}

/**
 * Inbound and outbound traffic of `c` at `now` (ms): totals since counting began, and rates over
 * the last RATE_WINDOW_MS or more. The first look starts the counting (rates 0 until the next).
 */
export function readTraffic(c: Counted, now: number): { in: TrafficInfo; out: TrafficInfo } {
  const t = (c.traffic ??= new TrafficCounts(c.bytesOut, now));
  const counts: Four = [t.messagesIn, t.bytesIn, t.messagesOut, c.bytesOut - t.bytesOutAtStart];
  if (now - t.at >= RATE_WINDOW_MS) {
    const elapsed = now - t.at;
    t.rates = counts.map((n, i) => ((n - t.counts[i]!) * 1000) / elapsed) as Four;
    t.counts = counts;
    t.at = now;
  }
  const [mi, bi, mo, bo] = t.rates;
  return {
    in: { messages: counts[0], bytes: counts[1], messagesPerSecond: round(mi), bytesPerSecond: round(bi) },
    out: { messages: counts[2], bytes: counts[3], messagesPerSecond: round(mo), bytesPerSecond: round(bo) },
  };
}

function round(rate: number): number {
  return Math.max(0, Math.round(rate * 10) / 10);
}
