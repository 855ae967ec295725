/** A socket that corked itself on its first write in a scope, and sends what it holds on `uncork`. */
export interface Corkable {
  uncork(): void;
}

/**
 * Batches writes per socket. While a scope runs (a commit batch's acks and broadcasts, or the
 * replies to one frame), every socket written to is corked once; when the outermost run ends, each
 * is uncorked, so it gets everything in one writev instead of one syscall per frame. Queued bytes
 * still count in `bufferedAmount` while corked, so the slow-consumer cap sees them.
 */
export class CorkScope {
  #depth = 0;
  #corked: Corkable[] = [];

  get active(): boolean {
    return this.#depth > 0;
  }

  /** Called by a socket on its first write inside the scope, after it corked itself. */
  enlist(socket: Corkable): void {
    this.#corked.push(socket);
  }

  run<T>(work: () => T): T {
    this.#depth++;
    try {
      return work();
    } finally {
      if (--this.#depth === 0) this.#release();
    }
  }

  #release(): void {
    const corked = this.#corked;
    this.#corked = [];
    for (const socket of corked) socket.uncork();
  }
}
