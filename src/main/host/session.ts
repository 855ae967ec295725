import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { HostFrame } from '../../shared/protocol/index.ts';
import { FrameBudget, type BudgetLimits } from './frame-budget.ts';
import type { CorkScope } from './rooms/cork-scope.ts';
import type { Recipient } from './rooms/room.ts';
import type { TrafficCounts } from './moderation/traffic-rates.ts';
import { stalled } from './stall.ts';
import { encodeTextFrame } from './text-frame.ts';

/** Bytes a corked socket holds before they are handed to the kernel, still as one writev. */
const CORK_FLUSH_BYTES = 256 * 1024;

/** The public tag of a device: a digest, so others never learn the private id that scopes retries. */
export function deviceTagOf(deviceId: string): string {
  // Hex of the first 8 bytes, not a slice of the full hex: a slice would keep the 64-digit string alive.
  return createHash('sha256').update(deviceId).digest().toString('hex', 0, 8);
}

export interface SessionLimits extends BudgetLimits {
  maxBufferedBytes: number;
}

/**
 * One WebSocket connection: who it is and the only path bytes take to it. Which rooms it is in is
 * the hub's to know. State most connections never need is made on first use, to keep idle
 * connections small.
 */
export class Session implements Recipient {
  readonly id = randomBytes(9).toString('base64url');
  readonly ws: WebSocket;
  readonly address: string;
  readonly budget: FrameBudget;
  readonly #socket: Duplex;
  readonly #maxBufferedBytes: number;
  readonly #cork: CorkScope;
  readonly #onSlow: (session: Session) => void;
  readonly #onDrop: (session: Session, reason: string) => void;
  #pendingJoins: Set<string> | undefined;
  #corked = false;
  #corkedBytes = 0;
  greeted = false;
  nick = '';
  /** From `hello`: the public tag of the client's device id (the id itself is not kept). */
  deviceTag = '';
  /** Last sequence per room the client said it holds in `hello`; undefined when it named none. */
  have: Record<string, number> | undefined;
  /** Cleared at each heartbeat, set by any pong or frame. */
  alive = true;
  /** Bytes written to the socket so far, and what was queued at the last heartbeat: see `stalled`. */
  #written = 0;
  #queuedAtBeat = 0;
  #writtenAtBeat = 0;
  /** Reasons the socket is not being read now (the binary budget, an upload's disk writes): see pauseReading. */
  #readPauses = 0;
  /** Closes the connection if no `hello` arrives in time; cleared by `hello`. */
  helloTimer: NodeJS.Timeout | undefined;
  // What the operator's view reads (moderation/), kept small: every idle connection carries it.
  // Whole numbers only, so V8 keeps them in the object instead of boxing a double for each.
  /** When the connection opened, in whole seconds of the host clock. */
  readonly #openedSec: number;
  /** Round-trip time of the last heartbeat, in tenths of a ms; -1 before the first pong. */
  #rttTenths = -1;
  /** performance.now() when the last ping left. */
  #pingAt = 0;
  /** Its traffic, counted from when the operator first looked at it; undefined until then. */
  traffic: TrafficCounts | undefined;

  constructor(
    ws: WebSocket,
    socket: Duplex,
    address: string,
    limits: SessionLimits,
    now: number,
    cork: CorkScope,
    onSlow: (s: Session) => void,
    onDrop: (s: Session, reason: string) => void,
  ) {
    this.ws = ws;
    this.#socket = socket;
    this.address = address;
    this.budget = new FrameBudget(limits, now);
    this.#maxBufferedBytes = limits.maxBufferedBytes;
    this.#cork = cork;
    this.#onSlow = onSlow;
    this.#onDrop = onDrop;
    this.#openedSec = Math.floor(now / 1000);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Rooms whose join is waiting on a password check. */
  get pendingJoins(): Set<string> {
    return (this.#pendingJoins ??= new Set());
  }

  get pendingJoinCount(): number {
    return this.#pendingJoins?.size ?? 0;
  }

  /** Bytes queued for this client and not yet sent, corked writes included. */
  get queuedBytes(): number {
    return this.ws.bufferedAmount;
  }

  send(frame: HostFrame): void {
    this.write(encodeTextFrame(JSON.stringify(frame)));
  }

  deliver(frame: Buffer): void {
    this.write(frame);
  }

  /**
   * Write an already-encoded frame. A client whose queue would pass the cap is a slow consumer: it
   * is dropped at once rather than letting host memory grow with everything it has not read.
   * Writing to the socket directly is safe because, without compression, the WebSocket library
   * also writes synchronously, so frames never interleave. Inside a cork scope the socket holds
   * its writes until the scope ends (one writev); they count in `bufferedAmount` meanwhile.
   */
  write(frame: Buffer): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount + frame.length > this.#maxBufferedBytes) {
      this.#onSlow(this);
      this.ws.terminate();
      return;
    }
    if (this.#cork.active && !this.#corked) {
      this.#socket.cork();
      this.#corked = true;
      this.#corkedBytes = 0;
      this.#cork.enlist(this);
    } else if (this.#corked && this.#corkedBytes >= CORK_FLUSH_BYTES) {
      // A big batch goes out in slices: corked bytes count as queued, so holding a whole batch
      // bigger than the cap would make a client that reads look like a slow consumer.
      this.#socket.uncork();
      this.#socket.cork();
      this.#corkedBytes = 0;
    }
    this.#corkedBytes += frame.length;
    this.#written += frame.length;
    if (this.traffic) this.traffic.messagesOut++;
    this.#socket.write(frame);
  }

  /**
   * True when bytes have waited since the last heartbeat and none of them left: the client sends
   * (pongs, even frames) but does not read. Called once per heartbeat.
   */
  stalled(): boolean {
    const queued = this.ws.bufferedAmount;
    const result = stalled(this.#queuedAtBeat, this.#written - this.#writtenAtBeat, queued);
    this.#queuedAtBeat = queued;
    this.#writtenAtBeat = this.#written;
    return result;
  }

  /** Hang up at once (no close handshake: a client that does not read would never finish it). */
  drop(reason: string): void {
    this.#onDrop(this, reason);
    this.ws.terminate();
  }

  /**
   * Stop reading this connection's socket until every pauseReading has its resumeReading, so a
   * sender faster than the host can take is held back by TCP flow control, not by host memory.
   * Frames already received are still delivered.
   */
  pauseReading(): void {
    if (this.#readPauses++ === 0) this.ws.pause();
  }

  resumeReading(): void {
    if (this.#readPauses > 0 && --this.#readPauses === 0 && this.open) this.ws.resume();
  }

  /** pauseReading for `ms`. */
  pauseReadingFor(ms: number): void {
    this.pauseReading();
    setTimeout(() => this.resumeReading(), ms).unref();
  }

  /** Bytes written to it since it opened. */
  get bytesOut(): number {
    return this.#written;
  }

  /** When it opened (host clock, ms, to the second). */
  get connectedAt(): number {
    return this.#openedSec * 1000;
  }

  /** Round-trip time of the last heartbeat in ms; -1 before the first pong. */
  get rttMs(): number {
    return this.#rttTenths < 0 ? -1 : this.#rttTenths / 10;
  }

  /** Count a frame that arrived (only while the operator watches). */
  received(bytes: number): void {
    const traffic = this.traffic;
    if (!traffic) return;
    traffic.messagesIn++;
    traffic.bytesIn += bytes;
  }

  /**
   * Send a WebSocket ping and time its pong. The host pings at accept, so the operator sees a
   * connection's round trip at once rather than after the first heartbeat, and at every beat.
   */
  ping(): void {
    this.#pingAt = performance.now();
    this.ws.ping();
  }

  /** A pong arrived: the peer is alive, and the time since the last ping is its round trip. */
  ponged(): void {
    this.alive = true;
    // A pong later than the next ping reads short; such a peer is about to be dropped anyway.
    this.#rttTenths = Math.max(0, Math.round((performance.now() - this.#pingAt) * 10));
  }

  uncork(): void {
    this.#corked = false;
    this.#socket.uncork();
  }
}
