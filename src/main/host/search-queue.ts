/**
 * Runs searches one per turn of the event loop, so a burst of them (16 connections asking at once)
 * cannot hold the loop for all of them in a row: between two searches the host reads its sockets
 * and commits chat. Each connection may have `perConnection` searches waiting; more are refused.
 */
export class SearchQueue {
  readonly #perConnection: number;
  readonly #onError: (error: unknown) => void;
  readonly #jobs: { who: object; run: () => void }[] = [];
  readonly #waiting = new WeakMap<object, number>();
  #scheduled = false;

  /** `onError` gets what a job throws; the queue goes on with the next one. */
  constructor(perConnection: number, onError: (error: unknown) => void) {
    this.#perConnection = perConnection;
    this.#onError = onError;
  }

  /** Queue `run` for `who`; false (nothing queued) when `who` already has as many waiting as allowed. */
  add(who: object, run: () => void): boolean {
    const waiting = this.#waiting.get(who) ?? 0;
    if (waiting >= this.#perConnection) return false;
    this.#waiting.set(who, waiting + 1);
    this.#jobs.push({ who, run });
    this.#schedule();
    return true;
  }

  #schedule(): void {
    if (this.#scheduled || this.#jobs.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => this.#next());
  }

  #next(): void {
    this.#scheduled = false;
    const job = this.#jobs.shift();
    if (!job) return;
    this.#waiting.set(job.who, (this.#waiting.get(job.who) ?? 1) - 1);
    try {
      job.run();
    } catch (error) {
      this.#onError(error);
    }
    this.#schedule();
  }
}
