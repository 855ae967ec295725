import type { TrafficInfo } from '../../../shared/moderation.ts';

/** The four counters a session keeps (plain numbers, so idle connections stay small). */
export interface TrafficCounters {
  readonly id: string;
  readonly messagesIn: number;
  readonly bytesIn: number;
  readonly messagesOut: number;
  readonly bytesOut: number;
  readonly connectedAt: number;
}

/** Shortest window a rate is measured over; views asked for more often get the last rates again. */
export const RATE_WINDOW_MS = 1000;

interface Sample {
  at: number;
  counts: [number, number, number, number];
  rates: [number, number, number, number];
}

/**
 * Messages/s and bytes/s per connection, from the sessions' running totals: each view compares
 * them with the sample taken at least RATE_WINDOW_MS before. Samples live here, only for
 * connections someone has looked at, and go when the connection does (`prune`), so the sessions
 * carry nothing but their counters and a host nobody watches pays nothing.
 */
export class TrafficRates {
  readonly #samples = new Map<string, Sample>();

  /** Inbound and outbound traffic of `c` at `now` (ms). */
  read(c: TrafficCounters, now: number): { in: TrafficInfo; out: TrafficInfo } {
    const counts: Sample['counts'] = [c.messagesIn, c.bytesIn, c.messagesOut, c.bytesOut];
    let sample = this.#samples.get(c.id);
    if (!sample) {
      // First look: the average since the connection opened.
      const since = Math.max(now - c.connectedAt, RATE_WINDOW_MS);
      sample = { at: now, counts, rates: counts.map((n) => (n * 1000) / since) as Sample['counts'] };
      this.#samples.set(c.id, sample);
    } else if (now - sample.at >= RATE_WINDOW_MS) {
      const elapsed = now - sample.at;
      const previous = sample.counts;
      sample.rates = counts.map((n, i) => ((n - previous[i]!) * 1000) / elapsed) as Sample['counts'];
      sample.counts = counts;
      sample.at = now;
    }
    const [mi, bi, mo, bo] = sample.rates;
    return {
      in: { messages: c.messagesIn, bytes: c.bytesIn, messagesPerSecond: round(mi), bytesPerSecond: round(bi) },
      out: { messages: c.messagesOut, bytes: c.bytesOut, messagesPerSecond: round(mo), bytesPerSecond: round(bo) },
    };
  }

  /** Forget every connection not in `live` (their ids). */
  prune(live: ReadonlySet<string>): void {
    for (const id of this.#samples.keys()) if (!live.has(id)) this.#samples.delete(id);
  }
}

function round(rate: number): number {
  return Math.max(0, Math.round(rate * 10) / 10);
}
