export interface FrameLogEntry {
  /** Increasing number, a stable key for lists. */
  n: number;
  at: number;
  direction: 'in' | 'out' | 'event';
  /** The frame's `type`, or the event name (open, close, error). */
  kind: string;
  /** The frame text, cut to a readable length. */
  text: string;
  bytes: number;
}

const MAX_TEXT = 500;

/**
 * A copy of `slice` that does not keep its parent alive: engines store a slice of a long string as
 * a view into it, and a log of 500-character views into 500 KB frames would hold every frame.
 */
function detach(slice: string): string {
  return Array.from(slice).join('');
}

/** The last `capacity` frames in and out of one connection, for the connection inspector. */
export class FrameLog {
  readonly capacity: number;
  #entries: FrameLogEntry[] = [];
  #n = 0;

  constructor(capacity = 200) {
    this.capacity = capacity;
  }

  add(direction: FrameLogEntry['direction'], kind: string, text: string, at: number): void {
    this.#entries.push({
      n: ++this.#n,
      at,
      direction,
      kind,
      text: text.length > MAX_TEXT ? `${detach(text.slice(0, MAX_TEXT))}…` : text,
      bytes: text.length,
    });
    if (this.#entries.length > this.capacity) this.#entries.splice(0, this.#entries.length - this.capacity);
  }

  /** Oldest first. */
  entries(): readonly FrameLogEntry[] {
    return this.#entries;
  }
}
