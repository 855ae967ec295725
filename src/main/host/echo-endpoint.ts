import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BINARY_HEADER_BYTES, CLOSE_CODES, TINCAN_SUBPROTOCOL, type Limits } from '../../shared/protocol/index.ts';
import { FrameBudget } from './frame-budget.ts';
import { stalled } from './stall.ts';

/** One echo connection: its budgets, and what the heartbeat and the host-wide queue guard need. */
class EchoPeer {
  readonly ws: WebSocket;
  readonly budget: FrameBudget;
  alive = true;
  written = 0;
  #queuedAtBeat = 0;
  #writtenAtBeat = 0;

  constructor(ws: WebSocket, budget: FrameBudget) {
    this.ws = ws;
    this.budget = budget;
  }

  get queuedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** Once per heartbeat: see stall.ts. */
  stalled(): boolean {
    const queued = this.ws.bufferedAmount;
    const result = stalled(this.#queuedAtBeat, this.written - this.#writtenAtBeat, queued);
    this.#queuedAtBeat = queued;
    this.#writtenAtBeat = this.written;
    return result;
  }

  drop(): void {
    this.ws.terminate();
  }
}

/**
 * `ws://HOST:PORT/echo`: sends back every text and binary message byte for byte, for the
 * workbench and anyone testing a WebSocket client. It picks the first subprotocol the client
 * offers. The rules of `/ws` hold (the upgrade gate checks Host, Origin and the connection caps
 * first): text messages up to `maxFrameBytes`, binary up to 25 + `maxChunkBytes` (1009 past
 * them), the same frame and byte budgets — a message over budget is not echoed, and a client that
 * keeps going past `rateStrikes` is closed with 4029 — and the same heartbeat.
 */
export class EchoEndpoint {
  readonly #limits: Limits;
  readonly #clock: () => number;
  readonly #wss: WebSocketServer;
  readonly #peers = new Map<WebSocket, EchoPeer>();

  constructor(limits: Limits, clock: () => number) {
    this.#limits = limits;
    this.#clock = clock;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: Math.max(limits.maxFrameBytes, BINARY_HEADER_BYTES + limits.maxChunkBytes),
      perMessageDeflate: false,
      clientTracking: false,
      // The first subprotocol offered, except Tincan's own: a chat client pointed here by mistake
      // must not be told it reached a Tincan host (it would send its device id).
      handleProtocols: (offered) => [...offered].find((p) => p !== TINCAN_SUBPROTOCOL) ?? false,
    });
  }

  get connectionCount(): number {
    return this.#peers.size;
  }

  /** Take over an upgrade the gate admitted. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  #accept(ws: WebSocket): void {
    const peer = new EchoPeer(ws, new FrameBudget(this.#limits, this.#clock()));
    this.#peers.set(ws, peer);
    ws.on('message', (data, isBinary) => this.#echo(ws, peer, data as Buffer, isBinary));
    ws.on('pong', () => (peer.alive = true));
    ws.on('error', () => {});
    ws.on('close', () => this.#peers.delete(ws));
  }

  #echo(ws: WebSocket, peer: EchoPeer, data: Buffer, isBinary: boolean): void {
    peer.alive = true;
    if (!isBinary && data.length > this.#limits.maxFrameBytes) {
      ws.close(CLOSE_CODES.tooBig, 'text frame too big');
      return;
    }
    const now = this.#clock();
    const wait = isBinary ? peer.budget.binary(data.length, now) : peer.budget.text(data.length, now);
    if (wait > 0) {
      if (peer.budget.strike(now)) ws.close(CLOSE_CODES.rateLimit, 'rate limit exceeded');
      return;
    }
    // Past the slow-consumer cap the echo is dropped with the connection, as on /ws.
    if (ws.bufferedAmount + data.length > this.#limits.maxBufferedBytes) {
      ws.terminate();
      return;
    }
    peer.written += data.length;
    ws.send(data, { binary: isBinary });
  }

  /** Every echo connection, for the host-wide queue guard (queue-guard.ts). */
  peers(): IterableIterator<EchoPeer> {
    return this.#peers.values();
  }

  /**
   * The heartbeat, as on /ws: ping every peer; one that did not answer the last ping is gone, and
   * so is one that answers but has read nothing since the last beat.
   */
  beat(): void {
    for (const [ws, peer] of this.#peers) {
      if (!peer.alive || peer.stalled()) {
        ws.terminate();
        continue;
      }
      peer.alive = false;
      ws.ping();
    }
  }

  /** Close every echo connection (host shutdown). */
  close(code: number, reason: string): void {
    for (const ws of this.#peers.keys()) ws.close(code, reason);
  }

  terminate(): void {
    for (const ws of this.#peers.keys()) ws.terminate();
  }
}
