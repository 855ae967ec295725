import type { AppendResult, MessageStore, NewMessage } from './message-store.ts';

export type AppendCallback = (error: Error | null, result?: AppendResult) => void;

export interface GroupCommitOptions {
  /** Largest batch written in one transaction. */
  maxBatch: number;
  /** Runs the flush later; setImmediate lets every frame already read off the sockets join the batch. */
  schedule?: (flush: () => void) => void;
  /** Wraps the run of a batch's callbacks, e.g. to cork every socket they write to. Default: runs them. */
  around?: (run: () => void) => void;
  /** Gets what a callback throws; the batch's other callbacks still run. Default: console.error. */
  onCallbackError?: (error: unknown) => void;
}

/**
 * Collects messages that arrive together and writes them in one transaction, so one disk sync
 * covers all of them. Callbacks run only after the commit, which is when a message may be acked.
 */
export class GroupCommit {
  readonly #store: MessageStore;
  readonly #maxBatch: number;
  readonly #schedule: (flush: () => void) => void;
  readonly #around: (run: () => void) => void;
  readonly #onCallbackError: (error: unknown) => void;
  #pending: NewMessage[] = [];
  #callbacks: AppendCallback[] = [];
  #scheduled = false;

  constructor(
    store: MessageStore,
    { maxBatch, schedule = setImmediate, around = (run) => run(), onCallbackError = console.error }: GroupCommitOptions,
  ) {
    this.#store = store;
    this.#maxBatch = maxBatch;
    this.#schedule = schedule;
    this.#around = around;
    this.#onCallbackError = onCallbackError;
  }

  /** Messages waiting for the next commit. */
  get pending(): number {
    return this.#pending.length;
  }

  append(message: NewMessage, callback: AppendCallback): void {
    this.#pending.push(message);
    this.#callbacks.push(callback);
    if (this.#pending.length >= this.#maxBatch) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.flush());
    }
  }

  /** Write everything pending now. Safe to call at any time, e.g. before shutdown. */
  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    const callbacks = this.#callbacks;
    this.#pending = [];
    this.#callbacks = [];
    let results: AppendResult[];
    try {
      results = this.#store.appendBatch(batch);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#around(() => {
        for (const callback of callbacks) this.#call(callback, failure);
      });
      return;
    }
    // Each callback on its own: one that throws must not cost the others their acks and broadcasts.
    this.#around(() => {
      for (let i = 0; i < callbacks.length; i++) this.#call(callbacks[i]!, null, results[i]);
    });
  }

  /** One callback, isolated (no closure per message: this runs for every stored message). */
  #call(callback: AppendCallback, error: Error | null, result?: AppendResult): void {
    try {
      callback(error, result);
    } catch (error) {
      this.#onCallbackError(error);
    }
  }
}
