import { asBytes, utf8Length } from './bytes.ts';
import { FrameTimeline, type TimelineEntry } from './frame-timeline.svelte.ts';
import { reconnectDelay, type ReconnectPolicy } from './reconnect-policy.ts';

export type ReadyState = 0 | 1 | 2 | 3;
/** The names of `WebSocket.readyState` values, as the API spells them. */
export const READY_STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const;

export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
  /** ms since the epoch. */
  at: number;
  /** The socket had opened (false: the handshake failed or never finished). */
  opened: boolean;
}

export interface ConnectionError {
  message: string;
  at: number;
}

/** What a message is, when its sender knows: logged with it. */
export interface FrameNote {
  /** What the timeline shows in place of the data (a redacted copy). */
  logText?: string;
  kind?: string;
  heartbeat?: boolean;
  /** What the timeline keeps of binary data in its place (a file chunk's header, not its payload). */
  logBytes?: Uint8Array;
}

export type Outgoing = string | ArrayBuffer | ArrayBufferView | Blob;

export interface ConnectionOptions {
  url: string;
  /** Subprotocols offered in the handshake (none by default). */
  protocols?: readonly string[];
  /** How binary messages arrive; the browser's default is 'blob'. */
  binaryType?: BinaryType;
  /** Reconnect after a close nobody asked for; null (the default) never reconnects. */
  reconnect?: ReconnectPolicy | null;
  /** A connection counts as healthy (backoff starts over) after being open this long, ms. Default 10 s. */
  stableMs?: number;
  timeline?: FrameTimeline;
  WebSocketImpl?: typeof WebSocket;
  now?: () => number;
  random?: () => number;
  onOpen?: () => void;
  /** A message arrived; `entry` is its timeline entry, to annotate. */
  onMessage?: (data: string | ArrayBuffer | Blob, entry: TimelineEntry) => void;
  /** The socket closed (also after a failed handshake); return false to not reconnect this time. */
  onClose?: (info: CloseInfo) => boolean | void;
  /** The next reconnect waits at least this long, ms (e.g. after a rate-limit close). */
  minReconnectDelay?: (info: CloseInfo) => number;
  /** The next reconnect waits at most about this long, ms, whatever the backoff has reached (undefined: no cap). */
  maxReconnectDelay?: () => number | undefined;
}

/** How often bufferedAmount is sampled while data waits to go out, ms. */
const BUFFER_SAMPLE_MS = 100;

/**
 * One WebSocket's lifecycle, knowing nothing of what it carries: the browser's live state
 * (readyState, negotiated protocol and extensions, bufferedAmount, binaryType), each close's code,
 * reason and wasClean, errors, reconnect with backoff, and a timeline of every frame and event.
 * Used by HostClient and by the workbench.
 */
export class Connection {
  url = $state('');
  protocols = $state.raw<readonly string[]>([]);
  readyState = $state<ReadyState>(3);
  /** The subprotocol the server selected ('' for none), from the open socket. */
  protocol = $state('');
  extensions = $state('');
  bufferedAmount = $state(0);
  lastClose = $state.raw<CloseInfo | null>(null);
  lastError = $state.raw<ConnectionError | null>(null);
  /** When the next reconnect attempt happens (ms since epoch), or null. */
  reconnectAt = $state<number | null>(null);
  /** Reconnect attempts since the connection was last stable. */
  attempt = $state(0);
  reconnect = $state.raw<ReconnectPolicy | null>(null);
  readonly timeline: FrameTimeline;

  #binaryType = $state<BinaryType>('blob');
  #ws: WebSocket | null = null;
  #opened = false;
  #wanted = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;
  #bufferTimer: ReturnType<typeof setInterval> | undefined;
  readonly #options: ConnectionOptions;
  readonly #now: () => number;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.url = options.url;
    this.protocols = options.protocols ?? [];
    this.#binaryType = options.binaryType ?? 'blob';
    this.reconnect = options.reconnect ?? null;
    this.#now = options.now ?? Date.now;
    this.timeline = options.timeline ?? new FrameTimeline({ now: this.#now });
  }

  get binaryType(): BinaryType {
    return this.#binaryType;
  }

  /** Applies to the open socket at once, as the browser API does: the next message arrives so. */
  set binaryType(value: BinaryType) {
    this.#binaryType = value;
    if (this.#ws) this.#ws.binaryType = value;
  }

  get readyStateName(): (typeof READY_STATE_NAMES)[number] {
    return READY_STATE_NAMES[this.readyState];
  }

  /** True while someone wants the connection up (connect() until close()). */
  get wanted(): boolean {
    return this.#wanted;
  }

  /** Open the socket (no-op while one is connecting or open). */
  connect(): void {
    this.#wanted = true;
    if (this.#ws && this.#ws.readyState <= 1) return;
    clearTimeout(this.#reconnectTimer);
    this.reconnectAt = null;
    const Impl = this.#options.WebSocketImpl ?? WebSocket;
    this.timeline.add({ direction: 'event', type: 'connecting', text: this.url });
    let ws: WebSocket;
    try {
      ws = new Impl(this.url, [...this.protocols]);
    } catch (error) {
      // A malformed URL, a forbidden port, a repeated subprotocol: the constructor throws, and no
      // retry can help.
      this.#error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      this.#wanted = false;
      this.readyState = 3;
      return;
    }
    ws.binaryType = this.#binaryType;
    this.#ws = ws;
    this.#opened = false;
    this.protocol = '';
    this.extensions = '';
    this.bufferedAmount = 0;
    this.readyState = ws.readyState as ReadyState;
    ws.onopen = () => this.#open(ws);
    ws.onmessage = (event: MessageEvent) => this.#receive(ws, event.data as string | ArrayBuffer | Blob);
    // The browser never says why (a failed handshake and a refused TCP connection look the same).
    ws.onerror = () => {
      if (this.#ws === ws) this.#error('error event');
    };
    ws.onclose = (event: CloseEvent) => this.#closed(ws, event.code, event.reason, event.wasClean);
  }

  /**
   * Close on purpose (no reconnect). The browser accepts 1000 or 3000–4999 and a reason of at most
   * 123 UTF-8 bytes; anything else throws, and is reported as an error.
   */
  close(code?: number, reason?: string): boolean {
    this.#wanted = false;
    clearTimeout(this.#reconnectTimer);
    this.reconnectAt = null;
    const ws = this.#ws;
    if (!ws) return true;
    try {
      if (code === undefined) ws.close();
      else ws.close(code, reason);
    } catch (error) {
      this.#error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      return false;
    }
    this.readyState = ws.readyState as ReadyState;
    return true;
  }

  /**
   * Give up on the socket now and report it closed with `code` and `reason` (the peer stopped
   * answering; TCP may take minutes to notice). Reconnects as a close from the server would.
   */
  abandon(code: number, reason: string): void {
    const ws = this.#ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(4000, reason.slice(0, 100));
    } catch {
      // already closing
    }
    this.#closed(ws, code, reason, false);
  }

  /** Skip the countdown (and the backoff so far). */
  reconnectNow(): void {
    this.attempt = 0;
    this.connect();
  }

  /** Schedule a reconnect by the policy, as after a close (for owners that vetoed one in onClose). */
  scheduleReconnect(floorMs = 0): void {
    if (!this.#wanted || !this.reconnect) return;
    const random = this.#options.random ?? Math.random;
    let delay = reconnectDelay(++this.attempt, this.reconnect, random);
    const cap = this.#options.maxReconnectDelay?.();
    // The cap is jittered too (down to 1 − jitter of it), so capped clients still spread out.
    if (cap !== undefined) delay = Math.min(delay, Math.round(cap * (1 - this.reconnect.jitter * random())));
    delay = Math.max(floorMs, delay);
    this.reconnectAt = this.#now() + delay;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Send now; false (and nothing sent) when the socket is not open. */
  send(data: Outgoing, note: FrameNote = {}): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== 1) return false;
    try {
      ws.send(data as string);
    } catch (error) {
      this.#error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      return false;
    }
    const common = {
      direction: 'out' as const,
      ...(note.kind !== undefined ? { kind: note.kind } : {}),
      ...(note.heartbeat ? { heartbeat: true } : {}),
    };
    if (typeof data === 'string') {
      this.timeline.add({ ...common, type: 'text', text: note.logText ?? data, size: utf8Length(data) });
    } else if (data instanceof Blob) {
      const entry = this.timeline.add({ ...common, type: 'binary', size: data.size });
      void data.arrayBuffer().then((buffer) => this.timeline.update(entry, { bytes: new Uint8Array(buffer) }));
    } else {
      const bytes = asBytes(data);
      this.timeline.add({ ...common, type: 'binary', bytes: note.logBytes ?? bytes.slice(), size: bytes.byteLength });
    }
    this.#sampleBuffer();
    return true;
  }

  /** The socket's bufferedAmount this instant (`bufferedAmount` is a sample, refreshed every 100 ms). */
  get queuedBytes(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  /** Read bufferedAmount now, and keep reading while data waits to go out. */
  #sampleBuffer(): void {
    const ws = this.#ws;
    this.bufferedAmount = ws ? ws.bufferedAmount : 0;
    if (this.bufferedAmount > 0 && this.#bufferTimer === undefined) {
      this.#bufferTimer = setInterval(() => {
        this.bufferedAmount = this.#ws ? this.#ws.bufferedAmount : 0;
        if (this.bufferedAmount === 0) this.#stopSampling();
      }, BUFFER_SAMPLE_MS);
    }
  }

  #stopSampling(): void {
    clearInterval(this.#bufferTimer);
    this.#bufferTimer = undefined;
  }

  #error(message: string): void {
    this.lastError = { message, at: this.#now() };
    this.timeline.add({ direction: 'event', type: 'error', text: message });
  }

  #open(ws: WebSocket): void {
    if (this.#ws !== ws) return;
    this.#opened = true;
    this.readyState = 1;
    this.protocol = ws.protocol;
    this.extensions = ws.extensions;
    this.lastError = null;
    const details = [ws.protocol && `protocol ${ws.protocol}`, ws.extensions && `extensions ${ws.extensions}`];
    this.timeline.add({ direction: 'event', type: 'open', text: details.filter(Boolean).join(' · ') });
    clearTimeout(this.#stableTimer);
    this.#stableTimer = setTimeout(() => (this.attempt = 0), this.#options.stableMs ?? 10_000);
    this.#options.onOpen?.();
  }

  #receive(ws: WebSocket, data: string | ArrayBuffer | Blob): void {
    if (this.#ws !== ws) return;
    let entry: TimelineEntry;
    if (typeof data === 'string') {
      entry = this.timeline.add({ direction: 'in', type: 'text', text: data, arrivedAs: 'string' });
    } else if (data instanceof ArrayBuffer) {
      entry = this.timeline.add({
        direction: 'in',
        type: 'binary',
        bytes: new Uint8Array(data),
        arrivedAs: 'ArrayBuffer',
      });
    } else {
      const blob = data as Blob;
      entry = this.timeline.add({ direction: 'in', type: 'binary', size: blob.size, arrivedAs: 'Blob' });
      const logged = entry;
      void blob.arrayBuffer().then((buffer) => this.timeline.update(logged, { bytes: new Uint8Array(buffer) }));
    }
    this.#options.onMessage?.(data, entry);
  }

  #closed(ws: WebSocket, code: number, reason: string, wasClean: boolean): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.readyState = 3;
    this.bufferedAmount = 0;
    this.#stopSampling();
    clearTimeout(this.#stableTimer);
    const info: CloseInfo = { code, reason, wasClean, at: this.#now(), opened: this.#opened };
    this.lastClose = info;
    this.timeline.add({
      direction: 'event',
      type: 'close',
      text: `${code}${reason ? ` ${reason}` : ''} · ${wasClean ? 'clean' : 'not clean'}`,
      close: { code, reason, wasClean },
    });
    const veto = this.#options.onClose?.(info) === false;
    if (!veto) this.scheduleReconnect(this.#options.minReconnectDelay?.(info) ?? 0);
  }
}
