import { cutUtf8 } from '../../../../shared/cut-text.ts';
import { utf8Length } from './bytes.ts';

/** How a message's data reached the page: which type the browser handed to `onmessage`. */
export type ArrivedAs = 'string' | 'ArrayBuffer' | 'Blob';

export interface TimelineEntry {
  /** Increasing number, a stable key for lists. */
  readonly n: number;
  /** Wall-clock time, ms since the epoch (shown to the millisecond). */
  readonly at: number;
  readonly direction: 'in' | 'out' | 'event';
  /** A message's WebSocket type, or the lifecycle event (connecting, open, close, error). */
  readonly type: 'text' | 'binary' | 'connecting' | 'open' | 'close' | 'error';
  /** The message's size in bytes as on the wire (UTF-8 for text), even when `truncated`. */
  size: number;
  /** Text data, or an event's detail (close code and reason, error message, URL). */
  text?: string;
  /** Binary data (a Blob's bytes are filled in once read). */
  bytes?: Uint8Array;
  /** Only the first MAX_KEPT_BYTES of the data are kept. */
  truncated: boolean;
  /** What the frame says it is, when its owner knows (a Tincan frame's `type`). */
  kind?: string;
  /** A keep-alive frame (hidden in the timeline by default). */
  heartbeat: boolean;
  arrivedAs?: ArrivedAs;
  /** A close event's fields. */
  close?: { code: number; reason: string; wasClean: boolean };
}

export type NewEntry = Omit<TimelineEntry, 'n' | 'at' | 'truncated' | 'heartbeat' | 'size'> & {
  size?: number;
  heartbeat?: boolean;
};

/** Entries kept at most: the oldest go first. */
export const MAX_ENTRIES = 2000;
/** Data kept per entry, bytes: a 1 MB message is logged with its true size and its first 64 KiB. */
export const MAX_KEPT_BYTES = 64 * 1024;
/** Data kept across all entries, bytes: past it the oldest entries go, whatever their number. */
export const MAX_TOTAL_BYTES = 8 * 1024 * 1024;

/**
 * A copy that does not keep its parent alive: engines store a slice of a long string as a view into
 * it, and a log of views into 1 MB frames would hold every frame.
 */
function detach(slice: string): string {
  return Array.from(slice).join('');
}

/** Cut text to at most `max` UTF-8 bytes on a code point boundary. */
function cutText(text: string, max: number): { text: string; cut: boolean } {
  if (text.length * 3 <= max || utf8Length(text) <= max) return { text, cut: false };
  return { text: detach(cutUtf8(text, max)), cut: true };
}

function keptBytes(entry: TimelineEntry): number {
  return (entry.bytes?.byteLength ?? 0) + (entry.text?.length ?? 0) * 2;
}

/**
 * The frames in and out of one connection and its lifecycle events, in a ring buffer bounded by
 * MAX_ENTRIES entries and MAX_TOTAL_BYTES of data (each entry keeps at most MAX_KEPT_BYTES).
 * Views read `entries()`, which subscribes them to changes.
 */
export class FrameTimeline {
  readonly maxEntries: number;
  readonly maxTotalBytes: number;
  readonly maxKeptBytes: number;
  /** Bumped on every change. */
  version = $state(0);
  /** Entries dropped to stay within the caps since the last clear. */
  dropped = $state(0);
  #entries: TimelineEntry[] = [];
  #head = 0;
  #bytes = 0;
  #n = 0;
  readonly #now: () => number;

  constructor(
    options: { maxEntries?: number; maxTotalBytes?: number; maxKeptBytes?: number; now?: () => number } = {},
  ) {
    this.maxEntries = options.maxEntries ?? MAX_ENTRIES;
    this.maxTotalBytes = options.maxTotalBytes ?? MAX_TOTAL_BYTES;
    this.maxKeptBytes = options.maxKeptBytes ?? MAX_KEPT_BYTES;
    this.#now = options.now ?? Date.now;
  }

  get length(): number {
    return this.#entries.length - this.#head;
  }

  /** Log a frame or event. Data past `maxKeptBytes` is cut (the size stays the true one). */
  add(entry: NewEntry, at = this.#now()): TimelineEntry {
    let truncated = false;
    let { text, bytes } = entry;
    let size = entry.size;
    if (text !== undefined) {
      size ??= entry.direction === 'event' ? 0 : utf8Length(text); // an event's detail is not data
      const cut = cutText(text, this.maxKeptBytes);
      text = cut.text;
      truncated = cut.cut;
    }
    if (bytes !== undefined) {
      size ??= bytes.byteLength;
      // A sender may log less than it sent (a file chunk's header): that is cut too.
      truncated = size > bytes.byteLength;
      if (bytes.byteLength > this.maxKeptBytes) {
        bytes = bytes.slice(0, this.maxKeptBytes);
        truncated = true;
      }
    }
    const full: TimelineEntry = {
      ...entry,
      n: ++this.#n,
      at,
      size: size ?? 0,
      truncated,
      heartbeat: entry.heartbeat ?? false,
      ...(text !== undefined ? { text } : {}),
      ...(bytes !== undefined ? { bytes } : {}),
    };
    this.#entries.push(full);
    this.#bytes += keptBytes(full);
    this.#evict();
    this.version++;
    return full;
  }

  /** Change an entry after the fact: its owner learnt what it is, or a Blob's bytes were read. */
  update(entry: TimelineEntry, change: Partial<Pick<TimelineEntry, 'kind' | 'heartbeat' | 'bytes'>>): void {
    const before = keptBytes(entry);
    if (change.bytes !== undefined && change.bytes.byteLength > this.maxKeptBytes) {
      change = { ...change, bytes: change.bytes.slice(0, this.maxKeptBytes) };
      entry.truncated = true;
    }
    Object.assign(entry, change);
    if (this.#entries.indexOf(entry, this.#head) >= 0) {
      this.#bytes += keptBytes(entry) - before;
      this.#evict();
    }
    this.version++;
  }

  #evict(): void {
    while (this.length > 1 && (this.length > this.maxEntries || this.#bytes > this.maxTotalBytes)) {
      this.#bytes -= keptBytes(this.#entries[this.#head]!);
      this.#entries[this.#head++] = undefined as unknown as TimelineEntry;
      this.dropped++;
    }
    // Compact now and then, so the array does not grow without end (amortised O(1) per entry).
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Oldest first, a fresh array on each change (views compare by reference). Reading subscribes to changes. */
  entries(): readonly TimelineEntry[] {
    void this.version;
    return this.#entries.slice(this.#head);
  }

  /** Bytes of data held (an estimate: strings count two bytes per UTF-16 unit). */
  get heldBytes(): number {
    void this.version;
    return this.#bytes;
  }

  clear(): void {
    this.#entries = [];
    this.#head = 0;
    this.#bytes = 0;
    this.dropped = 0;
    this.version++;
  }
}
