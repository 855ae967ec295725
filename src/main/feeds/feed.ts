import {
  MAX_FEED_BATCH_LINES,
  MAX_FEED_TEXT_LENGTH,
  type FeedInfo,
  type FeedLine,
  type FeedStdinPolicy,
  type FeedStream,
} from '../../shared/protocol/index.ts';
import { TokenBucket } from '../../shared/token-bucket.ts';
import { encodeTextFrame, HOST_DEVICE, type Recipient, type Room, type RoomHub } from '../host/index.ts';
import type { Logger } from '../logger.ts';
import { cleanLine, plainLine } from './feed-line.ts';
import type { FeedLimits } from './feed-limits.ts';
import type { RunStatus } from './process-runner.ts';

/** A member as a feed sees it: the hub's recipient, with the device tag stdin rights are given to. */
export type FeedViewer = Recipient & { readonly deviceTag?: string };

/** Where a feed's lines come from: a process, or the host's metrics sampler. */
export interface FeedSource {
  readonly kind: 'command' | 'metrics';
  readonly command?: readonly string[];
  readonly status: RunStatus;
  readonly running: boolean;
  start(): void;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Write a line to its stdin; false when there is none to write to. */
  write(line: string): boolean;
  /** Bytes written to its stdin that the process has not read yet (0 without a stdin). */
  readonly stdinBacklog: number;
}

export interface FeedOptions {
  name: string;
  room: Room;
  hub: RoomHub;
  source: FeedSource;
  limits: FeedLimits;
  clock: () => number;
  logger: Logger;
  /** Removes the feed's stored batches older than its newest `keepLines` lines; returns how many went. */
  prune?: (keepLines: number) => number;
}

interface Behind {
  viewer: FeedViewer;
  lines: number;
  from: number;
  to: number;
}

const CUT = '…';

/**
 * One feed in one room: lines from its source become stored `feed` messages through the hub.
 * Lines are coalesced: the first after a quiet spell is posted on the next turn of the event loop,
 * later ones wait until batchMs after the previous batch, so a flood costs one message and one
 * write per viewer per batch. Lines over the feed's budget (maxPendingLines waiting, or
 * linesPerSecond stored) are dropped and counted in the next batch's `skipped`. A viewer whose
 * socket holds more than viewerMaxQueuedBytes is skipped batch by batch and, once drained, told
 * how much it missed with one `skipped` frame. History keeps the newest retainLines lines.
 */
export class Feed {
  readonly name: string;
  readonly room: Room;
  readonly source: FeedSource;
  stdin: FeedStdinPolicy = 'nobody';
  /** Device tags that may type when `stdin` is `members`. */
  allowed = new Set<string>();
  readonly #hub: RoomHub;
  readonly #limits: FeedLimits;
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #prune: ((keepLines: number) => number) | undefined;
  readonly #bucket: TokenBucket;
  #pending: FeedLine[] = [];
  #skipped = 0;
  #scheduled = false;
  #timeout: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  readonly #run = () => this.#flushNow();
  #lastFlush = -Infinity;
  /** Lines stored since the last prune. */
  #sincePrune = 0;
  readonly #behind = new Map<string, Behind>();
  #drainTimer: NodeJS.Timeout | undefined;
  /** Totals since the feed was made, for the operator and tests. */
  readonly counts = { stored: 0, dropped: 0, batches: 0 };
  #closed = false;

  constructor(options: FeedOptions) {
    this.name = options.name;
    this.room = options.room;
    this.source = options.source;
    this.#hub = options.hub;
    this.#limits = options.limits;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#prune = options.prune;
    this.#bucket = new TokenBucket(options.limits.linesPerSecond, options.limits.linesBurst, options.clock());
  }

  /** A line from the source. `cut`: it was longer than maxLineBytes and ends where it was cut. */
  push(raw: string, stream: FeedStream, cut = false): void {
    if (this.#closed) return;
    // The host's own lines about the process (started, exited, stopped) are few and always kept.
    const over =
      stream !== 'sys' &&
      (this.#pending.length >= this.#limits.maxPendingLines || this.#bucket.take(this.#clock()) > 0);
    if (over) {
      this.#skipped++;
      this.counts.dropped++;
    } else {
      const text = cleanLine(cut ? raw + CUT : raw);
      this.#pending.push(stream === 'out' ? { text } : { text, stream });
    }
    this.#schedule();
  }

  /** What this feed looks like to `viewer` (its `canWrite` is the viewer's own). */
  info(viewer?: FeedViewer): FeedInfo {
    const s = this.source.status;
    return {
      name: this.name,
      source: this.source.kind,
      ...(this.source.command ? { command: [...this.source.command] } : {}),
      state: s.state,
      ...(s.pid === undefined ? {} : { pid: s.pid }),
      ...(s.code === undefined ? {} : { code: s.code }),
      ...(s.signal === undefined ? {} : { signal: s.signal }),
      ...(s.error === undefined ? {} : { error: s.error }),
      restarts: s.restarts,
      ...(s.retryAt === undefined ? {} : { retryAt: s.retryAt }),
      since: s.since,
      stdin: this.source.kind === 'command' ? this.stdin : 'nobody',
      canWrite: viewer ? this.canWrite(viewer) : false,
    };
  }

  /** Whether `viewer` may type into this feed (regardless of whether it runs now). */
  canWrite(viewer: FeedViewer): boolean {
    if (this.source.kind !== 'command' || !this.#hub.isIn(viewer, this.room)) return false;
    if (this.stdin === 'everyone') return true;
    return this.stdin === 'members' && viewer.deviceTag !== undefined && this.allowed.has(viewer.deviceTag);
  }

  /** Send every member of the room this feed's state (each with its own `canWrite`). */
  announceState(): void {
    for (const member of this.room.members.values()) this.sendState(member);
  }

  sendState(viewer: FeedViewer): void {
    const frame = { type: 'feed', room: this.room.name, feed: this.info(viewer) } as const;
    viewer.deliver(encodeTextFrame(JSON.stringify(frame)));
  }

  /** A viewer left the room: forget what it missed. */
  forget(viewer: Recipient): void {
    this.#behind.delete(viewer.id);
  }

  /** Lines waiting, for tests and the operator. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Store what is waiting now and stop taking lines. */
  close(): void {
    if (this.#scheduled) this.#flushNow();
    this.#closed = true;
    clearTimeout(this.#drainTimer);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const wait = this.#lastFlush + this.#limits.batchMs - this.#clock();
    // setImmediate: every line already read in this turn (one pipe read holds many) joins the batch.
    if (wait <= 0) this.#immediate = setImmediate(this.#run);
    else this.#timeout = setTimeout(this.#run, wait);
  }

  #flushNow(): void {
    clearTimeout(this.#timeout);
    clearImmediate(this.#immediate);
    this.#timeout = this.#immediate = undefined;
    this.#scheduled = false;
    if (this.#pending.length === 0 && this.#skipped === 0) return;
    this.#lastFlush = this.#clock();
    const lines = this.#pending.splice(0, MAX_FEED_BATCH_LINES);
    const skipped = this.#skipped;
    this.#skipped = 0;
    this.#post(lines, skipped);
    if (this.#pending.length > 0) this.#schedule();
  }

  #post(lines: FeedLine[], skipped: number): void {
    const body = { feed: this.name, lines, ...(skipped > 0 ? { skipped } : {}) };
    const content = { kind: 'feed', text: fallbackText(lines, skipped), body } as const;
    const from = { nick: this.name, device: HOST_DEVICE, source: 'feed' } as const;
    let seq = 0;
    this.#hub.post(
      this.room,
      { content, from },
      (error, result) => {
        if (error || !result) {
          this.#logger.error(`feed ${this.name}: storing a batch failed: ${error?.message}`);
          return;
        }
        seq = result.seq;
        this.counts.stored += lines.length;
        this.counts.batches++;
        this.#afterStore(lines.length);
      },
      (member) => this.#deliverTo(member, seq, lines.length),
    );
  }

  /** Whether a viewer gets this batch: not while its socket is full; once drained, first what it missed. */
  #deliverTo(viewer: FeedViewer, seq: number, lines: number): boolean {
    const queued = viewer.queuedBytes ?? 0;
    const behind = this.#behind.get(viewer.id);
    if (queued > this.#limits.viewerMaxQueuedBytes) {
      if (behind) {
        behind.lines += lines;
        behind.to = seq;
      } else {
        this.#behind.set(viewer.id, { viewer, lines, from: seq, to: seq });
        this.#drainTimer ??= setInterval(() => this.#checkDrained(), 100).unref();
      }
      return false;
    }
    if (behind) this.#tellSkipped(behind);
    return true;
  }

  #checkDrained(): void {
    for (const behind of this.#behind.values()) {
      if (!this.#hub.isIn(behind.viewer, this.room)) this.#behind.delete(behind.viewer.id);
      else if ((behind.viewer.queuedBytes ?? 0) <= this.#limits.viewerMaxQueuedBytes / 2) this.#tellSkipped(behind);
    }
    if (this.#behind.size === 0) {
      clearInterval(this.#drainTimer);
      this.#drainTimer = undefined;
    }
  }

  #tellSkipped({ viewer, lines, from, to }: Behind): void {
    this.#behind.delete(viewer.id);
    const frame = { type: 'skipped', room: this.room.name, feed: this.name, lines, from, to } as const;
    viewer.deliver(encodeTextFrame(JSON.stringify(frame)));
  }

  #afterStore(lines: number): void {
    if (!this.#prune) return;
    this.#sincePrune += lines;
    // Prune in steps of a tenth of the cap: one small DELETE now and then, not one per batch.
    if (this.#sincePrune < Math.max(1, Math.floor(this.#limits.retainLines / 10))) return;
    this.#sincePrune = 0;
    const prune = this.#prune;
    // After the batch's callbacks, not inside them: the group commit is still delivering.
    setImmediate(() => prune(this.#limits.retainLines));
  }
}

/** The batch as plain text: lines without colour codes, cut to MAX_FEED_TEXT_LENGTH; never empty. */
export function fallbackText(lines: readonly FeedLine[], skipped: number): string {
  let text = skipped > 0 ? `[${skipped} lines skipped]` : '';
  for (const line of lines) {
    const plain = line.stream === 'in' ? `> ${line.text}` : plainLine(line.text);
    text += text === '' ? plain : `\n${plain}`;
    if (text.length > MAX_FEED_TEXT_LENGTH) {
      let end = MAX_FEED_TEXT_LENGTH - CUT.length;
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end--;
      return text.slice(0, end) + CUT;
    }
  }
  return text.trim() === '' ? `(${lines.length} blank line${lines.length === 1 ? '' : 's'})` : text;
}
