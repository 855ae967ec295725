import { SvelteMap } from 'svelte/reactivity';
import type { ErrorCode, FeedInfo, HostFrameOf } from '../../../../shared/protocol/index.ts';

/** What the host said a viewer missed (a `skipped` frame). */
export type Skipped = Omit<HostFrameOf<'skipped'>, 'type'>;

/**
 * The feeds of each room on one host, as its `feed` frames describe them (state, stdin rights),
 * the last `skipped` marker per room, and the lines this client typed that were refused.
 */
export class FeedStates {
  readonly #feeds = new SvelteMap<string, FeedInfo[]>();
  readonly #skipped = new SvelteMap<string, Skipped>();
  /** Ids of lines sent with `feed-input`, by id: the room and feed they were for (bookkeeping, not shown). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #inputs = new Map<string, { room: string; feed: string }>();
  /** The last refusal of a typed line, per "room/feed". */
  readonly refusals = new SvelteMap<string, ErrorCode>();
  /**
   * The last change of a feed's state, per room, for a polite live region: a screen reader is told
   * that a feed started, stopped or failed, never each of its lines (terminals and log viewers do
   * the same). `n` makes a repeated change (failed again) a new announcement.
   */
  readonly #changes = new SvelteMap<string, { feed: FeedInfo; n: number }>();
  #changeCount = 0;

  /** The room's feeds, in the order the host first named them. */
  inRoom(room: string): readonly FeedInfo[] {
    return this.#feeds.get(room) ?? [];
  }

  /** The room's last feed state change (see #changes), if any since this client joined. */
  lastChange(room: string): { feed: FeedInfo; n: number } | undefined {
    return this.#changes.get(room);
  }

  lastSkipped(room: string): Skipped | undefined {
    return this.#skipped.get(room);
  }

  update(frame: HostFrameOf<'feed'>): void {
    const list = this.#feeds.get(frame.room) ?? [];
    const at = list.findIndex((f) => f.name === frame.feed.name);
    const next = at < 0 ? [...list, frame.feed] : list.map((f, i) => (i === at ? frame.feed : f));
    this.#feeds.set(frame.room, next);
    // The first word about a feed is how it is, not a change (joining a room of ten feeds says nothing).
    // A failure is one even in the same state: a feed that cannot start stays `restarting`, counting up.
    const before = at < 0 ? undefined : list[at]!;
    if (before && (before.state !== frame.feed.state || frame.feed.restarts > before.restarts))
      this.#changes.set(frame.room, { feed: frame.feed, n: ++this.#changeCount });
  }

  skipped({ type: _type, ...marker }: HostFrameOf<'skipped'>): void {
    this.#skipped.set(marker.room, marker);
  }

  /** Remember a line sent, so an error about its id is shown at its feed. */
  sent(id: string, room: string, feed: string): void {
    this.#inputs.set(id, { room, feed });
    this.refusals.delete(`${room}/${feed}`);
  }

  /** An ack or an error about a typed line: forget it; on an error keep the code. True when it was one. */
  settle(id: string | undefined, code?: ErrorCode): boolean {
    const input = id === undefined ? undefined : this.#inputs.get(id);
    if (!input) return false;
    this.#inputs.delete(id!);
    if (code) this.refusals.set(`${input.room}/${input.feed}`, code);
    return true;
  }
}
