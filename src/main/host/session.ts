import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { HostFrame } from '../../shared/protocol/index.ts';
import type { Room } from './room.ts';
import { encodeTextFrame } from './text-frame.ts';
import { TokenBucket } from '../../shared/token-bucket.ts';

/** The public tag of a device: a digest, so others never learn the private id that scopes retries. */
export function deviceTagOf(deviceId: string): string {
  return createHash('sha256').update(deviceId).digest('hex').slice(0, 16);
}

export interface SessionLimits {
  ratePerSecond: number;
  rateBurst: number;
  maxBufferedBytes: number;
}

/** One WebSocket connection: who it is, which rooms it joined, and the only path bytes take to it. */
export class Session {
  readonly id = randomBytes(9).toString('base64url');
  readonly ws: WebSocket;
  readonly address: string;
  readonly rooms = new Map<string, Room>();
  /** Rooms whose join is waiting on a password check. */
  readonly pendingJoins = new Set<string>();
  readonly #socket: Duplex;
  readonly #bucket: TokenBucket;
  readonly #maxBufferedBytes: number;
  readonly #onSlow: (session: Session) => void;
  greeted = false;
  nick = '';
  deviceId = '';
  deviceTag = '';
  /** Last sequence per room the client said it holds in `hello`. */
  have: Record<string, number> = {};
  /** Cleared at each heartbeat, set by any pong or frame. */
  alive = true;
  /** Rate-limited frames in a row. */
  strikes = 0;
  /** Closes the connection if no `hello` arrives in time; cleared by `hello`. */
  helloTimer: NodeJS.Timeout | undefined;

  constructor(
    ws: WebSocket,
    socket: Duplex,
    address: string,
    limits: SessionLimits,
    now: number,
    onSlow: (s: Session) => void,
  ) {
    this.ws = ws;
    this.#socket = socket;
    this.address = address;
    this.#bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst, now);
    this.#maxBufferedBytes = limits.maxBufferedBytes;
    this.#onSlow = onSlow;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** 0 when the frame is within the rate limit, else ms until the next one would be. */
  takeToken(now: number): number {
    return this.#bucket.take(now);
  }

  send(frame: HostFrame): void {
    this.write(encodeTextFrame(JSON.stringify(frame)));
  }

  /**
   * Write an already-encoded frame. A client whose queue would pass the cap is a slow consumer: it
   * is dropped at once rather than letting host memory grow with everything it has not read.
   * Writing to the socket directly is safe because, without compression, the WebSocket library
   * also writes synchronously, so frames never interleave.
   */
  write(frame: Buffer): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount + frame.length > this.#maxBufferedBytes) {
      this.#onSlow(this);
      this.ws.terminate();
      return;
    }
    this.#socket.write(frame);
  }
}
