import { SvelteMap } from 'svelte/reactivity';
import { formatHostAddress, webSocketUrl, type HostAddress } from '../../../../shared/host-address.ts';
import {
  chatText,
  decodeHostFrame,
  PROTOCOL_VERSION,
  type ClientFrameInput,
  type ErrorCode,
  type HostFrame,
  type HostFrameOf,
  type RoomInfo,
  type StoredMessage,
} from '../../../../shared/protocol/index.ts';
import { TokenBucket } from '../../../../shared/token-bucket.ts';
import { isMine } from '../chat/message-origin.ts';
import { RoomState } from '../chat/room-state.svelte.ts';
import { newClientId } from './client-id.ts';
import { FrameLog, type FrameLogEntry } from './frame-log.ts';
import { Outbox, type KeyValueStorage, type OutgoingMessage } from './outbox.ts';
import { closeIsFinal, DEFAULT_RECONNECT, reconnectDelay, type ReconnectPolicy } from './reconnect-policy.ts';
import { redactFrame } from './redact.ts';

export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
  at: number;
}

export interface Announcement {
  text: string;
  level: 'info' | 'warning';
  ts: number;
}

export interface HostClientOptions {
  address: HostAddress;
  /** Who we are; read at every (re)connect so a nickname change carries over. */
  identity: () => { deviceId: string; nick: string };
  storage: KeyValueStorage;
  /** A message from someone else arrived live in a joined room. */
  onMessage?: (room: RoomState, message: StoredMessage) => void;
  onAnnounce?: (announcement: Announcement) => void;
  /** The host greeted us (its name is known from here on). */
  onWelcome?: () => void;
  WebSocketImpl?: typeof WebSocket;
  now?: () => number;
  random?: () => number;
  reconnect?: ReconnectPolicy;
  /** Interval of the round-trip ping, ms. */
  pingIntervalMs?: number;
  /** No pong for this long means the host is gone even if TCP has not noticed, ms. */
  pongTimeoutMs?: number;
}

const HISTORY_PAGE = 100;
const CLIENT_NAME = 'tincan';
const CLIENT_VERSION = '0.1.0';
/** A connection counts as healthy (backoff starts over) after this long. */
const STABLE_MS = 10_000;
/** After a 4029 (rate abuse) wait at least this long, as the protocol asks. */
const RATE_CLOSE_DELAY_MS = 10_000;
const SEARCH_TIMEOUT_MS = 10_000;

/** Requests that are worth sending again after a `rate_limited` error, by their ref's prefix. */
const RETRIED = ['join:', 'newest:', 'older:', 'resume:', 'around:', 'gap:'];
/** Messages on each side of a message a search result jumps to. */
const AROUND = 50;
/** Pages a jump asks for at most to reach its message (a host may cut pages short by bytes). */
const MAX_AROUND_PAGES = 10;

/**
 * One host as the UI sees it: a WebSocket with its browser-visible state (readyState, round-trip
 * time, bufferedAmount, the last close), automatic reconnect with backoff, the rooms joined on it,
 * and an outbox that sends every message exactly once across disconnects.
 */
export class HostClient {
  readonly address: HostAddress;
  readonly key: string;
  readonly rooms = new SvelteMap<string, RoomState>();
  readyState = $state<number>(3);
  hostName = $state('');
  hostId = $state('');
  /** Our device's public tag on this host: how we recognise our own messages. */
  myDevice = $state('');
  /** Our member id on this connection (presence lists use it). */
  myMember = $state('');
  rttMs = $state<number | null>(null);
  bufferedAmount = $state(0);
  /**
   * The last meaningful close: that of a connection which was up (the host's own words, such as
   * 1001 "host shutting down"), or the first failure. Reconnect attempts that never get through
   * (1006 while the host is down) do not overwrite it; they are counted in `failedAttempts`.
   */
  lastClose = $state.raw<CloseInfo | null>(null);
  /** Reconnect attempts that failed since `lastClose`. */
  failedAttempts = $state(0);
  /** The code of the last error the host sent (the UI words it). */
  lastError = $state<ErrorCode | null>(null);
  /** When the next reconnect attempt happens (ms since epoch), or null. */
  reconnectAt = $state<number | null>(null);
  /** The host closed on purpose and is expected back (1001, going away): a restart, not a crash. */
  get restarting(): boolean {
    return !this.connected && this.#wanted && this.lastClose?.code === 1001;
  }

  /** True once a close code said retrying cannot help (e.g. the host speaks another protocol). */
  gaveUp = $state(false);
  availableRooms = $state.raw<RoomInfo[]>([]);
  announcements = $state.raw<Announcement[]>([]);
  /** Bumped when the outbox or frame log changes. */
  outboxVersion = $state(0);
  framesVersion = $state(0);

  readonly #options: HostClientOptions;
  readonly #now: () => number;
  readonly #outbox: Outbox;
  readonly #frameLog = new FrameLog(200);
  // Bookkeeping no view reads: plain collections on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #searches = new Map<string, (messages: StoredMessage[]) => void>();
  /** Pages asked for by a jump (search result), by ref: resolved true when the page arrived. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #pages = new Map<string, (ok: boolean) => void>();
  /** Requests sent and not yet answered, by ref, so a rate-limited one can be sent again. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #inFlight = new Map<string, ClientFrameInput>();
  /** Requests waiting for the rate limit, oldest first. */
  #queue: ClientFrameInput[] = [];
  #ws: WebSocket | null = null;
  #wanted = $state(false);
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #awaitingPongSince: number | null = null;
  #bucket: TokenBucket | null = null;
  #refs = 0;
  /** The current socket got as far as the host's welcome. */
  #greeted = false;

  constructor(options: HostClientOptions) {
    this.#options = options;
    this.address = options.address;
    this.key = formatHostAddress(options.address);
    this.#now = options.now ?? Date.now;
    this.#outbox = new Outbox(options.storage, this.key);
  }

  get url(): string {
    return webSocketUrl(this.address);
  }

  get connected(): boolean {
    return this.readyState === 1 && this.myDevice !== '';
  }

  /** Messages written and not yet acknowledged (reading subscribes to changes). */
  outgoing(room: string): readonly OutgoingMessage[] {
    void this.outboxVersion;
    return this.#outbox.forRoom(room);
  }

  frames(): readonly FrameLogEntry[] {
    void this.framesVersion;
    return this.#frameLog.entries();
  }

  // ── connection ────────────────────────────────────────────────────────────

  connect(): void {
    this.#wanted = true;
    this.gaveUp = false;
    if (this.#ws && this.#ws.readyState <= 1) return;
    clearTimeout(this.#reconnectTimer);
    this.reconnectAt = null;
    const Impl = this.#options.WebSocketImpl ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Impl(this.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    this.#greeted = false;
    this.readyState = ws.readyState;
    this.#log('event', 'connecting', this.url);
    ws.onopen = () => {
      this.readyState = ws.readyState;
      this.#log('event', 'open', '');
      this.#hello();
    };
    ws.onmessage = (event: MessageEvent) => this.#receive(event.data);
    ws.onerror = () => this.#log('event', 'error', '');
    ws.onclose = (event: CloseEvent) => this.#closed(ws, event.code, event.reason, event.wasClean);
  }

  /** Close on purpose: no reconnect. */
  disconnect(): void {
    this.#wanted = false;
    clearTimeout(this.#reconnectTimer);
    this.reconnectAt = null;
    this.#ws?.close(1000, 'bye');
  }

  /** Skip the countdown. */
  reconnectNow(): void {
    this.#attempt = 0;
    this.connect();
  }

  #closed(ws: WebSocket, code: number, reason: string, wasClean: boolean): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.readyState = 3;
    this.myDevice = '';
    this.myMember = '';
    this.rttMs = null;
    this.#bucket = null;
    this.#awaitingPongSince = null;
    this.#queue = [];
    this.#inFlight.clear();
    for (const resolve of this.#searches.values()) resolve([]);
    this.#searches.clear();
    for (const resolve of this.#pages.values()) resolve(false);
    this.#pages.clear();
    clearInterval(this.#pingTimer);
    clearTimeout(this.#flushTimer);
    clearTimeout(this.#stableTimer);
    if (this.#greeted || this.lastClose === null || code !== 1006) {
      this.lastClose = { code, reason, wasClean, at: this.#now() };
      this.failedAttempts = 0;
    } else {
      this.failedAttempts++;
    }
    this.#greeted = false;
    this.#log('event', 'close', `${code} ${reason}`.trim());
    for (const room of this.rooms.values()) {
      room.joined = false;
      room.members = [];
      room.typing = [];
      room.loadingOlder = false;
    }
    this.#outbox.requeueSending();
    this.outboxVersion++;
    if (closeIsFinal(code)) {
      this.gaveUp = true;
      return;
    }
    this.#scheduleReconnect();
  }

  /**
   * The host stopped answering pings: TCP may take many minutes to notice a vanished peer, so give
   * up on this socket now and reconnect.
   */
  #abandon(): void {
    const ws = this.#ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(4000, 'no pong');
    } catch {
      // already closing
    }
    this.#closed(ws, 1006, 'no answer from host', false);
  }

  #scheduleReconnect(): void {
    if (!this.#wanted) return;
    let delay = reconnectDelay(++this.#attempt, this.#options.reconnect ?? DEFAULT_RECONNECT, this.#options.random);
    if (this.lastClose?.code === 4029) delay = Math.max(delay, RATE_CLOSE_DELAY_MS);
    this.reconnectAt = this.#now() + delay;
    this.#reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  #hello(): void {
    const { deviceId, nick } = this.#options.identity();
    const have: Record<string, number> = {};
    for (const room of this.rooms.values())
      if (room.contiguousUpTo !== undefined) have[room.name] = room.contiguousUpTo;
    this.#write({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      client: { name: CLIENT_NAME, version: CLIENT_VERSION },
      deviceId,
      nick,
      have,
    });
  }

  /** Put a frame on the wire now. False when there is no open socket. */
  #write(frame: ClientFrameInput): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== 1) return false;
    const text = JSON.stringify(frame);
    ws.send(text);
    // Passwords, join tokens and the private device id never reach the inspector.
    this.#log(
      'out',
      frame.type,
      frame.type === 'hello' || frame.type === 'join' ? JSON.stringify(redactFrame(frame)) : text,
    );
    return true;
  }

  /**
   * Send a request within the host's rate limit: it waits in a queue when the budget is spent.
   * Requests with a ref are remembered until answered, so a rate-limited one goes out again.
   */
  #request(frame: ClientFrameInput): void {
    this.#queue.push(frame);
    this.#flush();
  }

  #log(direction: FrameLogEntry['direction'], kind: string, text: string): void {
    this.#frameLog.add(direction, kind, text, this.#now());
    this.framesVersion++;
  }

  /** Sample bufferedAmount (what the browser has not yet handed to the network), then measure the round trip. */
  #ping(): void {
    const now = this.#now();
    if (this.#awaitingPongSince !== null && now - this.#awaitingPongSince > (this.#options.pongTimeoutMs ?? 10_000)) {
      this.#abandon();
      return;
    }
    if (this.#ws) this.bufferedAmount = this.#ws.bufferedAmount;
    this.#awaitingPongSince ??= now;
    this.#write({ type: 'ping', t: performance.now() });
  }

  // ── incoming ──────────────────────────────────────────────────────────────

  #receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.#log('in', 'binary', `${(data as ArrayBuffer).byteLength ?? 0} bytes`);
      return;
    }
    const decoded = decodeHostFrame(data);
    if (!decoded.ok) {
      // A newer host may send frames this client does not know: note them, ignore them.
      this.#log('in', 'unknown', data);
      return;
    }
    const frame = decoded.frame;
    this.#log('in', frame.type, data);
    if ('ref' in frame && frame.ref !== undefined && frame.type !== 'error') this.#inFlight.delete(frame.ref);
    this.#handle(frame);
  }

  #handle(frame: HostFrame): void {
    switch (frame.type) {
      case 'welcome':
        return this.#welcome(frame);
      case 'rooms':
        this.availableRooms = frame.rooms;
        return;
      case 'joined':
        return this.#joined(frame);
      case 'left':
        return;
      case 'presence': {
        const room = this.rooms.get(frame.room);
        if (!room) return;
        if (frame.event === 'join') room.memberJoined(frame.member);
        else if (frame.event === 'leave') room.memberLeft(frame.member.id);
        else room.memberRenamed(frame.member);
        return;
      }
      case 'typing':
        this.rooms.get(frame.room)?.setTyping(frame.member, frame.nick, frame.active, this.#now());
        return;
      case 'ack':
        if (this.#outbox.acknowledge(frame.id)) this.outboxVersion++;
        this.#flushSoon();
        return;
      case 'message':
        return this.#message(frame);
      case 'history':
        return this.#history(frame);
      case 'results':
        this.#settleSearch(frame.ref, frame.messages);
        return;
      case 'announce':
        this.announcements = [...this.announcements.slice(-19), frame];
        this.#options.onAnnounce?.(frame);
        return;
      case 'error':
        return this.#error(frame);
      case 'pong':
        this.#awaitingPongSince = null;
        this.rttMs = Math.max(0, performance.now() - frame.t);
        return;
    }
  }

  #welcome(frame: HostFrameOf<'welcome'>): void {
    // The same address now answers with another database (a reinstall, a reset): our sequence
    // numbers mean nothing there. Start every room afresh rather than drop its new messages as seen.
    if (this.hostId !== '' && this.hostId !== frame.host.id) for (const room of this.rooms.values()) room.reset();
    this.#greeted = true;
    this.hostName = frame.host.name;
    this.hostId = frame.host.id;
    this.myDevice = frame.device;
    this.myMember = frame.member;
    this.availableRooms = frame.rooms;
    this.lastError = null;
    // Backoff starts over only once the connection has held for a while (a host that accepts and
    // then drops us must not be hammered).
    clearTimeout(this.#stableTimer);
    this.#stableTimer = setTimeout(() => (this.#attempt = 0), STABLE_MS);
    // Leave headroom below the host's limit for pings.
    this.#bucket = new TokenBucket(
      frame.limits.ratePerSecond * 0.75,
      Math.max(1, Math.floor(frame.limits.rateBurst / 2)),
      this.#now(),
    );
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => this.#ping(), this.#options.pingIntervalMs ?? 5000);
    this.#ping();
    for (const room of this.rooms.values()) this.#sendJoin(room);
    this.#options.onWelcome?.();
  }

  #joined(frame: HostFrameOf<'joined'>): void {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    // Fewer messages than we hold: the room's history was reset on the host. Start over.
    if (room.contiguousUpTo !== undefined && frame.head < room.contiguousUpTo) room.reset();
    const first = room.contiguousUpTo === undefined;
    room.markJoined(frame.head, frame.members);
    // A first join shows the newest page; a re-join's missed messages come as `history` pages after this.
    if (first && frame.head > 0) {
      room.loadingOlder = true;
      this.#request({ type: 'history', ref: `newest:${room.name}`, room: room.name, limit: HISTORY_PAGE });
    }
    this.#flush();
  }

  #message(frame: HostFrameOf<'message'>): void {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    const { type: _type, room: _room, ...message } = frame;
    const fresh = room.insert([message]);
    if (isMine(message, this.myDevice)) {
      if (this.#outbox.acknowledge(message.id)) this.outboxVersion++;
      return;
    }
    if (fresh.length > 0) this.#options.onMessage?.(room, message);
  }

  #history(frame: HostFrameOf<'history'>): void {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    room.insert(frame.messages);
    const ref = frame.ref ?? '';
    if (ref.startsWith('around:') || ref.startsWith('gap:')) {
      this.#pages.get(ref)?.(true);
      this.#pages.delete(ref);
      return;
    }
    if (ref.startsWith('older:') || ref.startsWith('newest:')) {
      room.loadingOlder = false;
      if (!frame.more) room.reachedStart = true;
      return;
    }
    // A resume page (the join's own, or one we asked for): keep asking until caught up with head.
    const last = frame.messages.at(-1)?.seq;
    if (frame.more && last !== undefined) {
      this.#request({
        type: 'history',
        ref: `resume:${room.name}:${last}`,
        room: room.name,
        after: last,
        before: room.head + 1,
        limit: HISTORY_PAGE,
      });
    }
  }

  #error(frame: HostFrameOf<'error'>): void {
    this.lastError = frame.code;
    const ref = frame.ref ?? '';
    const about = frame.id ?? (ref.startsWith('send:') ? ref.slice(5) : undefined);
    if (about !== undefined && this.#outbox.get(about)) return this.#sendFailed(about, frame);
    const request = this.#inFlight.get(ref);
    this.#inFlight.delete(ref);
    if (frame.code === 'rate_limited' && request && RETRIED.some((p) => ref.startsWith(p))) {
      this.#queue.unshift(request);
      this.#flushSoon(frame.retryAfterMs ?? 1000);
      return;
    }
    if (ref.startsWith('search:')) return this.#settleSearch(ref, []);
    if (this.#pages.has(ref)) {
      this.#pages.get(ref)!(false);
      this.#pages.delete(ref);
    }
    const room = frame.room ? this.rooms.get(frame.room) : undefined;
    if (ref.startsWith('older:') || ref.startsWith('newest:')) {
      const name = ref.slice(ref.indexOf(':') + 1);
      const target = this.rooms.get(name);
      if (target) target.loadingOlder = false;
    }
    if (
      room &&
      ['room_not_found', 'password_required', 'wrong_password', 'auth_backoff', 'too_many_rooms'].includes(frame.code)
    ) {
      room.joinError = frame.code;
      room.joinRetryAfterMs = frame.retryAfterMs ?? null;
    }
  }

  #sendFailed(id: string, frame: HostFrameOf<'error'>): void {
    if (frame.code === 'rate_limited' || frame.code === 'not_joined') {
      // Transient: back in the queue, sent again when allowed (or after the join).
      this.#outbox.setState(id, 'queued');
      this.#flushSoon(frame.retryAfterMs ?? 1000);
    } else {
      this.#outbox.setState(id, 'failed', frame.code);
    }
    this.outboxVersion++;
  }

  #settleSearch(ref: string | undefined, messages: StoredMessage[]): void {
    const resolve = this.#searches.get(ref ?? '');
    this.#searches.delete(ref ?? '');
    resolve?.(messages);
  }

  // ── rooms and messages ────────────────────────────────────────────────────

  /**
   * Join (or remember to join once connected). A password, or an invite's join token, is kept in
   * memory to re-join after reconnects.
   */
  join(name: string, password?: string, token?: string): RoomState {
    let room = this.rooms.get(name);
    if (!room) {
      room = new RoomState(name);
      this.rooms.set(name, room);
    }
    if (password !== undefined) room.password = password;
    if (token !== undefined) room.token = token;
    room.joinError = null;
    if (this.connected) this.#sendJoin(room);
    else this.connect();
    return room;
  }

  #sendJoin(room: RoomState): void {
    this.#request({
      type: 'join',
      ref: `join:${room.name}`,
      room: room.name,
      ...(room.password !== undefined ? { password: room.password } : {}),
      ...(room.token !== undefined && room.password === undefined ? { token: room.token } : {}),
      ...(room.contiguousUpTo !== undefined ? { since: room.contiguousUpTo } : {}),
    });
  }

  /** Leave the room; what was still waiting to be sent there is dropped with it. */
  leave(name: string): void {
    if (this.connected) this.#request({ type: 'leave', room: name });
    this.rooms.delete(name);
    for (const message of this.#outbox.forRoom(name)) this.#outbox.discard(message.id);
    this.outboxVersion++;
  }

  refreshRooms(): void {
    this.#request({ type: 'rooms' });
  }

  /**
   * Write a message: it goes into the outbox at once and out as soon as the room is joined. Text the
   * host would refuse (too long, control characters) fails at once.
   */
  send(roomName: string, text: string): OutgoingMessage {
    const message = this.#outbox.add({ id: newClientId(this.#now()), room: roomName, text, createdAt: this.#now() });
    if (!chatText.safeParse(text).success) this.#outbox.setState(message.id, 'failed', 'invalid_frame');
    this.outboxVersion++;
    this.#flush();
    return message;
  }

  retry(id: string): void {
    this.#outbox.setState(id, 'queued');
    this.outboxVersion++;
    this.#flush();
  }

  discard(id: string): void {
    this.#outbox.discard(id);
    this.outboxVersion++;
  }

  #flushSoon(delay = 0): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = setTimeout(() => this.#flush(), delay);
  }

  /**
   * Send what waits, in order — requests first, then queued messages of joined rooms — paced to stay
   * inside the host's rate limit.
   */
  #flush(): void {
    if (!this.connected || !this.#bucket) return;
    while (this.#queue.length > 0) {
      const wait = this.#bucket.take(this.#now());
      if (wait > 0) return this.#flushSoon(wait);
      const frame = this.#queue.shift()!;
      if (!this.#write(frame)) return;
      if ('ref' in frame && frame.ref !== undefined) this.#inFlight.set(frame.ref, frame);
    }
    for (const message of this.#outbox.all()) {
      if (message.state !== 'queued' || !this.rooms.get(message.room)?.joined) continue;
      const wait = this.#bucket.take(this.#now());
      if (wait > 0) return this.#flushSoon(wait);
      const frame = {
        type: 'send',
        ref: `send:${message.id}`,
        room: message.room,
        id: message.id,
        text: message.text,
      } as const;
      if (!this.#write(frame)) return;
      this.#outbox.setState(message.id, 'sending');
      this.outboxVersion++;
    }
  }

  setNick(nick: string): void {
    this.#request({ type: 'nick', nick });
  }

  typing(room: string, active: boolean): void {
    // Typing notices are worth nothing late: skip them when the budget is spent.
    if (this.rooms.get(room)?.joined && this.#bucket && this.#bucket.take(this.#now()) === 0) {
      this.#write({ type: 'typing', room, active });
    }
  }

  loadOlder(name: string): void {
    const room = this.rooms.get(name);
    if (!room || room.loadingOlder || room.reachedStart || !room.joined) return;
    room.loadingOlder = true;
    const before = room.oldestSeq;
    this.#request({
      type: 'history',
      ref: `older:${name}`,
      room: name,
      limit: HISTORY_PAGE,
      ...(before !== undefined ? { before } : {}),
    });
  }

  /**
   * Full-text search in a joined room; resolves with at most `limit` matches, best first ([] on
   * error or timeout). The protocol has no offset or total: "more" is the same search with a larger
   * limit, up to MAX_SEARCH_RESULTS.
   */
  search(room: string, query: string, limit?: number): Promise<StoredMessage[]> {
    const ref = `search:${++this.#refs}`;
    return new Promise((resolve) => {
      if (!this.connected) return resolve([]);
      this.#searches.set(ref, resolve);
      setTimeout(() => this.#settleSearch(ref, []), SEARCH_TIMEOUT_MS);
      this.#request({ type: 'search', ref, room, query, ...(limit !== undefined ? { limit } : {}) });
    });
  }

  /**
   * Make sure message `seq` is held, with its context: the page around it (AROUND messages each
   * side) when it is not. Resolves true once it is held, false when it could not be loaded.
   */
  async loadAround(name: string, seq: number): Promise<boolean> {
    const room = this.rooms.get(name);
    if (!room) return false;
    // A host may cut a page short (by bytes) before it reaches `seq`: go on from where it stopped.
    let after = Math.max(0, seq - AROUND - 1);
    for (let pages = 0; pages < MAX_AROUND_PAGES && !room.has(seq); pages++) {
      const ref = `around:${name}:${seq}:${after}`;
      const frame = { type: 'history', ref, room: name, after, before: seq + AROUND + 1, limit: HISTORY_PAGE } as const;
      if (!(await this.#page(ref, frame))) return false;
      const reached = room.floorSeq(seq) ?? 0;
      if (reached <= after) break; // nothing new up to `seq`: it is not in the room
      after = reached;
    }
    return room.has(seq);
  }

  /** Fill (the start of) a hole between two held messages: the next page after `after`, below `before`. */
  loadGap(name: string, after: number, before: number): Promise<boolean> {
    if (!this.rooms.get(name) || after + 1 >= before) return Promise.resolve(false);
    const ref = `gap:${name}:${after}`;
    return this.#page(ref, { type: 'history', ref, room: name, after, before, limit: HISTORY_PAGE });
  }

  #page(ref: string, frame: ClientFrameInput): Promise<boolean> {
    if (!this.connected) return Promise.resolve(false);
    const pending = this.#pages.get(ref);
    return new Promise((resolve) => {
      this.#pages.set(ref, (ok) => {
        pending?.(ok);
        resolve(ok);
      });
      if (!pending) this.#request(frame);
    });
  }
}
