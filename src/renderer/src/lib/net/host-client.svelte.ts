import { SvelteMap } from 'svelte/reactivity';
import { formatHostAddress, webSocketUrl, type HostAddress } from '../../../../shared/host-address.ts';
import {
  chatText,
  decodeHostFrame,
  PROTOCOL_VERSION,
  type ClientFrameInput,
  type HostFrame,
  type HostFrameOf,
  type RoomInfo,
  type StoredMessage,
} from '../../../../shared/protocol/index.ts';
import { TokenBucket } from '../../../../shared/token-bucket.ts';
import { RoomState } from '../chat/room-state.svelte.ts';
import { newClientId } from './client-id.ts';
import { FrameLog, type FrameLogEntry } from './frame-log.ts';
import { Outbox, type KeyValueStorage, type OutgoingMessage } from './outbox.ts';
import { closeIsFinal, DEFAULT_RECONNECT, reconnectDelay, type ReconnectPolicy } from './reconnect-policy.ts';

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
  WebSocketImpl?: typeof WebSocket;
  now?: () => number;
  random?: () => number;
  reconnect?: ReconnectPolicy;
  /** Interval of the round-trip ping, ms. */
  pingIntervalMs?: number;
}

const HISTORY_PAGE = 100;
const CLIENT_NAME = 'tincan';
const CLIENT_VERSION = '0.1.0';

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
  rttMs = $state<number | null>(null);
  bufferedAmount = $state(0);
  lastClose = $state.raw<CloseInfo | null>(null);
  lastError = $state<string | null>(null);
  /** When the next reconnect attempt happens (ms since epoch), or null. */
  reconnectAt = $state<number | null>(null);
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
  // Pending search replies by ref: bookkeeping, not state any view reads.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #searches = new Map<string, (messages: StoredMessage[]) => void>();
  #ws: WebSocket | null = null;
  #wanted = false;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #bucket: TokenBucket | null = null;
  #refs = 0;

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
    } catch (error) {
      this.lastError = String(error);
      this.#scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    this.readyState = ws.readyState;
    this.#log('event', 'connecting', this.url);
    ws.onopen = () => {
      this.readyState = ws.readyState;
      this.#log('event', 'open', '');
      this.#hello();
    };
    ws.onmessage = (event: MessageEvent) => this.#receive(event.data);
    ws.onerror = () => {
      this.lastError = 'WebSocket error';
      this.#log('event', 'error', '');
    };
    ws.onclose = (event: CloseEvent) => this.#closed(ws, event);
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

  #closed(ws: WebSocket, event: CloseEvent): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.readyState = 3;
    this.myDevice = '';
    this.#bucket = null;
    clearInterval(this.#pingTimer);
    clearTimeout(this.#flushTimer);
    this.lastClose = { code: event.code, reason: event.reason, wasClean: event.wasClean, at: this.#now() };
    this.#log('event', 'close', `${event.code} ${event.reason}`.trim());
    for (const room of this.rooms.values()) {
      room.joined = false;
      room.members = [];
      room.typing = [];
    }
    this.#outbox.requeueSending();
    this.outboxVersion++;
    if (closeIsFinal(event.code)) {
      this.gaveUp = true;
      return;
    }
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (!this.#wanted) return;
    const delay = reconnectDelay(++this.#attempt, this.#options.reconnect ?? DEFAULT_RECONNECT, this.#options.random);
    this.reconnectAt = this.#now() + delay;
    this.#reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  #hello(): void {
    const { deviceId, nick } = this.#options.identity();
    const have: Record<string, number> = {};
    for (const room of this.rooms.values())
      if (room.contiguousUpTo !== undefined) have[room.name] = room.contiguousUpTo;
    this.#send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      client: { name: CLIENT_NAME, version: CLIENT_VERSION },
      deviceId,
      nick,
      have,
    });
  }

  #send(frame: ClientFrameInput): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== 1) return false;
    const text = JSON.stringify(frame);
    ws.send(text);
    this.#log('out', frame.type, text);
    return true;
  }

  #log(direction: FrameLogEntry['direction'], kind: string, text: string): void {
    this.#frameLog.add(direction, kind, text, this.#now());
    this.framesVersion++;
  }

  /** Sample bufferedAmount (what the browser has not yet handed to the network), then measure the round trip. */
  #ping(): void {
    if (this.#ws) this.bufferedAmount = this.#ws.bufferedAmount;
    this.#send({ type: 'ping', t: performance.now() });
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
        this.#searches.get(frame.ref ?? '')?.(frame.messages);
        this.#searches.delete(frame.ref ?? '');
        return;
      case 'announce':
        this.announcements = [...this.announcements.slice(-19), frame];
        this.#options.onAnnounce?.(frame);
        return;
      case 'error':
        return this.#error(frame);
      case 'pong':
        this.rttMs = Math.max(0, performance.now() - frame.t);
        return;
    }
  }

  #welcome(frame: HostFrameOf<'welcome'>): void {
    this.#attempt = 0;
    this.hostName = frame.host.name;
    this.hostId = frame.host.id;
    this.myDevice = frame.device;
    this.availableRooms = frame.rooms;
    this.lastError = null;
    // Leave headroom below the host's limit for pings and typing notices.
    this.#bucket = new TokenBucket(
      frame.limits.ratePerSecond * 0.75,
      Math.max(1, Math.floor(frame.limits.rateBurst / 2)),
      this.#now(),
    );
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => this.#ping(), this.#options.pingIntervalMs ?? 5000);
    this.#ping();
    for (const room of this.rooms.values()) this.#sendJoin(room);
  }

  #joined(frame: HostFrameOf<'joined'>): void {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    const first = room.contiguousUpTo === undefined;
    room.markJoined(frame.head, frame.members);
    // A first join shows the newest page; a re-join's missed messages come as `history` pages after this.
    if (first && frame.head > 0)
      this.#send({ type: 'history', ref: `newest:${room.name}`, room: room.name, limit: HISTORY_PAGE });
    this.#flush();
  }

  #message(frame: HostFrameOf<'message'>): void {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    const { type: _type, room: _room, ...message } = frame;
    const fresh = room.insert([message]);
    if (message.from.device === this.myDevice) {
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
    if (ref.startsWith('older:') || ref.startsWith('newest:')) {
      room.loadingOlder = false;
      if (!frame.more) room.reachedStart = true;
      return;
    }
    // A resume page (the join's own, or one we asked for): keep asking until caught up with head.
    const last = frame.messages.at(-1)?.seq;
    if (frame.more && last !== undefined) {
      this.#send({
        type: 'history',
        ref: `resume:${room.name}`,
        room: room.name,
        after: last,
        before: room.head + 1,
        limit: HISTORY_PAGE,
      });
    }
  }

  #error(frame: HostFrameOf<'error'>): void {
    this.lastError = frame.message;
    if (frame.id) {
      const message = this.#outbox.get(frame.id);
      if (!message) return;
      if (frame.code === 'rate_limited' || frame.code === 'not_joined') {
        // Transient: back in the queue, sent again when allowed (or after the join).
        this.#outbox.setState(frame.id, 'queued');
        this.#flushSoon(frame.retryAfterMs ?? 1000);
      } else {
        this.#outbox.setState(frame.id, 'failed', frame.message);
      }
      this.outboxVersion++;
      return;
    }
    const room = frame.room ? this.rooms.get(frame.room) : undefined;
    if (
      room &&
      ['room_not_found', 'password_required', 'wrong_password', 'auth_backoff', 'too_many_rooms'].includes(frame.code)
    ) {
      room.joinError =
        frame.code === 'password_required' || frame.code === 'wrong_password' ? frame.code : frame.message;
    }
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
    this.#send({
      type: 'join',
      ref: `join:${room.name}`,
      room: room.name,
      ...(room.password !== undefined ? { password: room.password } : {}),
      ...(room.token !== undefined && room.password === undefined ? { token: room.token } : {}),
      ...(room.contiguousUpTo !== undefined ? { since: room.contiguousUpTo } : {}),
    });
  }

  leave(name: string): void {
    this.#send({ type: 'leave', room: name });
    this.rooms.delete(name);
  }

  refreshRooms(): void {
    this.#send({ type: 'rooms' });
  }

  /**
   * Write a message: it goes into the outbox at once and out as soon as the room is joined. Text the
   * host would refuse (too long, control characters) fails at once, with the reason.
   */
  send(roomName: string, text: string): OutgoingMessage {
    const message = this.#outbox.add({ id: newClientId(this.#now()), room: roomName, text, createdAt: this.#now() });
    const valid = chatText.safeParse(text);
    if (!valid.success) this.#outbox.setState(message.id, 'failed', valid.error.issues[0]?.message ?? 'invalid text');
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

  /** Send queued messages of joined rooms, in order, paced to stay inside the host's rate limit. */
  #flush(): void {
    if (!this.connected || !this.#bucket) return;
    for (const message of this.#outbox.all()) {
      if (message.state !== 'queued' || !this.rooms.get(message.room)?.joined) continue;
      const wait = this.#bucket.take(this.#now());
      if (wait > 0) return this.#flushSoon(wait);
      if (!this.#send({ type: 'send', room: message.room, id: message.id, text: message.text })) return;
      this.#outbox.setState(message.id, 'sending');
      this.outboxVersion++;
    }
  }

  setNick(nick: string): void {
    this.#send({ type: 'nick', nick });
  }

  typing(room: string, active: boolean): void {
    if (this.rooms.get(room)?.joined) this.#send({ type: 'typing', room, active });
  }

  loadOlder(name: string): void {
    const room = this.rooms.get(name);
    if (!room || room.loadingOlder || room.reachedStart || !room.joined) return;
    room.loadingOlder = true;
    const before = room.oldestSeq;
    this.#send({
      type: 'history',
      ref: `older:${name}`,
      room: name,
      limit: HISTORY_PAGE,
      ...(before !== undefined ? { before } : {}),
    });
  }

  /** Full-text search in a joined room; resolves with the matches, best first. */
  search(room: string, query: string): Promise<StoredMessage[]> {
    const ref = `search:${++this.#refs}`;
    return new Promise((resolve) => {
      if (!this.#send({ type: 'search', ref, room, query })) return resolve([]);
      this.#searches.set(ref, resolve);
    });
  }
}
