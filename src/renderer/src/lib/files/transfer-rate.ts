/** How far back the rate looks, ms: long enough to smooth bursts, short enough to follow a stall. */
const WINDOW_MS = 2000;

/**
 * Bytes per second of a transfer, over the last couple of seconds of samples (a plain moving
 * window: a stalled transfer drops to 0 within WINDOW_MS rather than decaying for ever).
 */
export class RateMeter {
  #samples: { at: number; bytes: number }[] = [];

  /** Record that `bytes` in total had moved at `at` (ms); returns the rate now, bytes/s. */
  sample(bytes: number, at: number): number {
    const samples = this.#samples;
    if (samples.length > 0 && bytes < samples.at(-1)!.bytes) samples.length = 0; // restarted lower (a resume)
    samples.push({ at, bytes });
    while (samples.length > 2 && at - samples[1]!.at >= WINDOW_MS) samples.shift();
    const first = samples[0]!;
    const elapsed = at - first.at;
    return elapsed > 0 ? ((bytes - first.bytes) * 1000) / elapsed : 0;
  }

  reset(): void {
    this.#samples = [];
  }
}
