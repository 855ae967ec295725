import { SvelteMap } from 'svelte/reactivity';
import { formatHostAddress, httpOrigin, webSocketUrl, type HostAddress } from '../../../../shared/host-address.ts';
import {
  chatText,
  decodeHostFrame,
  PROTOCOL_VERSION,
  TINCAN_SUBPROTOCOL,
  type ClientFrameInput,
  type ErrorCode,
  type HostFrame,
  type HostFrameOf,
  type RoomInfo,
  type StoredMessage,
} from '../../../../shared/protocol/index.ts';
import { BINARY_HEADER_BYTES } from '../../../../shared/protocol/binary-frames.ts';
import { TokenBucket } from '../../../../shared/token-bucket.ts';
import { isMine } from '../chat/message-origin.ts';
import { RoomState } from '../chat/room-state.svelte.ts';
import { FeedStates } from '../feeds/feed-states.svelte.ts';
import { FileTransfers } from '../files/file-transfers.svelte.ts';
import { newClientId } from './client-id.ts';
import { Connection, type CloseInfo as SocketClose } from './connection.svelte.ts';
import type { FrameTimeline, TimelineEntry } from './frame-timeline.svelte.ts';
import { Outbox, type KeyValueStorage, type OutgoingMessage } from './outbox.ts';
import { PendingRequests, retriedAfterRateLimit, type PendingRequest } from './pending-requests.ts';
import { closeIsFinal, DEFAULT_RECONNECT, type ReconnectPolicy } from './reconnect-policy.ts';
import { redactFrame } from './redact.ts';
import { RoomAuth } from './room-auth.ts';

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
  /** A room was joined (again): its ticket, if a password room, is the one the host just gave. */
  onJoined?: (room: RoomState) => void;
  WebSocketImpl?: typeof WebSocket;
  now?: () => number;
  random?: () => number;
  reconnect?: ReconnectPolicy;
  /** Interval of the round-trip ping, ms. */
  pingIntervalMs?: number;
  /** No pong for this long means the host is gone even if TCP has not noticed, ms. */
  pongTimeoutMs?: number;
  /** Join over wss:// (a pinned host; host-trust.svelte.ts decides). Default false: ws://. */
  secure?: boolean;
}

const HISTORY_PAGE = 100;
const CLIENT_NAME = 'tincan';
const CLIENT_VERSION = '0.1.0';
/** A connection counts as healthy (backoff starts over) after this long. */
const STABLE_MS = 10_000;
/** After a 4029 (rate abuse) wait at least this long, as the protocol asks. */
const RATE_CLOSE_DELAY_MS = 10_000;
/**
 * After the host said it was going away (1001: a restart), retry at least this often for the first
 * RESTART_FAST_RETRY_MS: it is expected back in seconds, and the backoff would otherwise have grown
 * to 8–16 s by then. A LAN room's clients every 2 s is no load on a host that is not even up.
 */
const RESTART_RETRY_CAP_MS = 2_000;
const RESTART_FAST_RETRY_MS = 120_000;
const SEARCH_TIMEOUT_MS = 10_000;
/** Messages on each side of a message a search result jumps to. */
const AROUND = 50;
/** Pages a jump asks for at most to reach its message (a host may cut pages short by bytes). */
const MAX_AROUND_PAGES = 10;
/** Errors that end a join: shown on the room. */
const JOIN_ERRORS: readonly ErrorCode[] = [
  'room_not_found',
  'password_required',
  'wrong_password',
  'auth_backoff',
  'too_many_rooms',
  'ticket_refused',
  'too_many_challenges',
  'no_challenge',
  'password_upgrade_required',
  'password_in_clear',
];

/**
 * Why we believe the address is not a Tincan host (or one older than the `tincan.v1` subprotocol):
 * - `handshake`: it refused the handshake offering `tincan.v1`, yet accepted one without it;
 * - `subprotocol`: it opened without selecting `tincan.v1`;
 * - `frames`: its first frame is not a Tincan frame.
 */
export type NotTincanReason = 'handshake' | 'subprotocol' | 'frames';

/**
 * One host as the UI sees it: its rooms, an outbox that sends every message exactly once across
 * disconnects, and requests tracked until answered, over a `Connection` (the socket's lifecycle,
 * backoff and frame timeline). The client offers the `tincan.v1` subprotocol and sends nothing —
 * above all not its device id — until the server selected it.
 */
export class HostClient {
  readonly address: HostAddress;
  readonly key: string;
  readonly rooms = new SvelteMap<string, RoomState>();
  hostName = $state('');
  hostId = $state('');
  /**
   * Our device's public tag on this host: how we recognise our own messages. Kept while the host is
   * away (the tag stays ours on that host), so our messages still look like ours offline.
   */
  myDevice = $state('');
  /** Our member id on this connection (presence lists use it). */
  myMember = $state('');
  rttMs = $state<number | null>(null);
  /**
   * The last meaningful close: that of a connection which was up (the host's own words, such as
   * 1001 "host shutting down"), or the first failure. Reconnect attempts that never get through
   * (1006 while the host is down) do not overwrite it; they are counted in `failedAttempts`.
   */
  lastClose = $state.raw<CloseInfo | null>(null);
  /** Reconnect attempts that failed since `lastClose`; 0 again once the host greets us. */
  failedAttempts = $state(0);
  /** The code of the last error the host sent (the UI words it). */
  lastError = $state<ErrorCode | null>(null);
  /** True once a close code said retrying cannot help (e.g. the host speaks another protocol). */
  gaveUp = $state(false);
  /** Until when the host said we are banned (ms since epoch; Infinity: until lifted), from its `banned` error. */
  bannedUntil = $state<number | null>(null);
  /** The address answers, but not as a Tincan host: not retrying, nothing of ours was sent. */
  notTincan = $state<NotTincanReason | null>(null);
  /** Connecting without the `tincan.v1` check, for hosts older than it (the user chose so). */
  legacy = $state(false);
  availableRooms = $state.raw<RoomInfo[]>([]);
  announcements = $state.raw<Announcement[]>([]);
  /** Each room's feeds (state, stdin rights) and what this client missed of them. */
  readonly feeds = new FeedStates();
  /** Our uploads, every file's transfer state and each room's file key. */
  readonly files: FileTransfers;
  /** Bumped when the outbox changes. */
  outboxVersion = $state(0);

  readonly #options: HostClientOptions;
  readonly #now: () => number;
  readonly #outbox: Outbox;
  readonly #conn: Connection;
  readonly #pending = new PendingRequests();
  /** Tickets, SCRAM exchanges and when to forget a typed password. */
  readonly #auth = new RoomAuth();
  /** Requests waiting for the rate limit, oldest first. */
  #queue: ClientFrameInput[] = [];
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;
  #awaitingPongSince: number | null = null;
  #bucket: TokenBucket | null = null;
  /** The current socket got as far as the host's welcome (state: `connected` reads it). */
  #greeted = $state(false);
  /** The nickname our last hello carried, to catch a change made before the welcome came. */
  #helloNick = '';
  /** The current socket opened and has not yet received a frame. */
  #firstFrame = false;
  /** A handshake offering `tincan.v1` failed, then one without it opened: one more try decides. */
  #suspect = false;
  #probe: WebSocket | null = null;

  constructor(options: HostClientOptions) {
    this.#options = options;
    this.address = options.address;
    this.key = formatHostAddress(options.address);
    this.#now = options.now ?? Date.now;
    this.#outbox = new Outbox(options.storage, this.key);
    this.#conn = new Connection({
      url: webSocketUrl(options.address, options.secure),
      protocols: [TINCAN_SUBPROTOCOL],
      binaryType: 'arraybuffer',
      reconnect: options.reconnect ?? DEFAULT_RECONNECT,
      // Backoff starts over only once the connection has held for a while after the welcome
      // (a host that accepts and then drops us must not be hammered): see #welcome.
      stableMs: 24 * 3600_000,
      ...(options.WebSocketImpl ? { WebSocketImpl: options.WebSocketImpl } : {}),
      now: this.#now,
      ...(options.random ? { random: options.random } : {}),
      onOpen: () => this.#opened(),
      onMessage: (data, entry) => this.#receive(data, entry),
      onClose: (info) => this.#closed(info),
      minReconnectDelay: (info) => (info.code === 4029 ? RATE_CLOSE_DELAY_MS : 0),
      maxReconnectDelay: () =>
        this.restarting && this.#now() - this.lastClose!.at < RESTART_FAST_RETRY_MS ? RESTART_RETRY_CAP_MS : undefined,
    });
    this.files = new FileTransfers({
      request: (frame) => this.#request(frame),
      sendBinary: (bytes) =>
        this.#conn.send(bytes, { kind: 'fileChunk', logBytes: bytes.slice(0, BINARY_HEADER_BYTES) }),
      bufferedAmount: () => this.#conn.queuedBytes,
      joined: (room) => this.connected && (this.rooms.get(room)?.joined ?? false),
      now: this.#now,
      device: () => this.myDevice,
      httpBase: httpOrigin(options.address, options.secure),
    });
  }

  get url(): string {
    return this.#conn.url;
  }

  /** The socket under this client (its live state and frame timeline). */
  get connection(): Connection {
    return this.#conn;
  }

  get timeline(): FrameTimeline {
    return this.#conn.timeline;
  }

  get readyState(): number {
    return this.#conn.readyState;
  }

  get bufferedAmount(): number {
    return this.#conn.bufferedAmount;
  }

  /** When the next reconnect attempt happens (ms since epoch), or null. */
  get reconnectAt(): number | null {
    return this.#conn.reconnectAt;
  }

  get connected(): boolean {
    return this.readyState === 1 && this.#greeted;
  }

  /** The host closed on purpose and is expected back (1001, going away): a restart, not a crash. */
  get restarting(): boolean {
    return !this.connected && this.#conn.wanted && this.lastClose?.code === 1001;
  }

  /** Messages written and not yet acknowledged (reading subscribes to changes). */
  outgoing(room: string): readonly OutgoingMessage[] {
    void this.outboxVersion;
    return this.#outbox.forRoom(room);
  }

  /** The frames and events of this host's connection, oldest first (reading subscribes to changes). */
  frames(): readonly TimelineEntry[] {
    return this.#conn.timeline.entries();
  }

  // ── connection ────────────────────────────────────────────────────────────

  connect(): void {
    this.gaveUp = false;
    if (this.notTincan && !this.legacy) return;
    this.#conn.connect();
  }

  /** Close on purpose: no reconnect. */
  disconnect(): void {
    this.#closeProbe();
    this.#suspect = false;
    this.#conn.close(1000, 'bye');
  }

  /** Skip the countdown. */
  reconnectNow(): void {
    this.gaveUp = false;
    this.#conn.reconnectNow();
  }

  /**
   * Connect without offering `tincan.v1`, for a host older than it. It then gets our device id
   * without proof that it is a Tincan host, so only on the user's say-so.
   */
  connectAnyway(): void {
    this.legacy = true;
    this.notTincan = null;
    this.#suspect = false;
    this.#conn.protocols = [];
    this.#conn.reconnectNow();
  }

  #opened(): void {
    const protocol = this.#conn.protocol;
    this.#suspect = false;
    if (!this.legacy && protocol !== TINCAN_SUBPROTOCOL) return this.#notTincanHost('subprotocol');
    this.#firstFrame = true;
    this.#hello();
  }

  #notTincanHost(reason: NotTincanReason): void {
    this.notTincan = reason;
    this.legacy = false;
    this.#conn.protocols = [TINCAN_SUBPROTOCOL];
    this.#conn.close(1000, 'not a Tincan host');
  }

  #closed(info: SocketClose): boolean {
    this.myMember = '';
    this.rttMs = null;
    this.#bucket = null;
    this.#awaitingPongSince = null;
    this.#queue = [];
    this.#pending.failAll();
    this.#auth.reset();
    clearInterval(this.#pingTimer);
    clearTimeout(this.#flushTimer);
    clearTimeout(this.#stableTimer);
    const { code, reason, wasClean, at } = info;
    if (this.#greeted || this.lastClose === null || code !== 1006) {
      this.lastClose = { code, reason, wasClean, at };
      this.failedAttempts = 0;
    } else {
      this.failedAttempts++;
    }
    this.#greeted = false;
    for (const room of this.rooms.values()) {
      room.joined = false;
      room.members = [];
      room.typing = [];
      room.loadingOlder = false;
    }
    this.#outbox.requeueSending();
    this.outboxVersion++;
    this.files.disconnected();
    if (this.notTincan) return false;
    if (closeIsFinal(code)) {
      this.gaveUp = true;
      return false;
    }
    // The handshake failed before opening. A browser cannot tell a server that refused
    // `tincan.v1` from a host that is down: ask with a handshake that offers nothing.
    if (!info.opened && !this.legacy && this.#conn.wanted) {
      if (this.#suspect) {
        this.#notTincanHost('handshake');
        return false;
      }
      this.#startProbe();
      return false;
    }
    return true;
  }

  /**
   * Open a handshake without subprotocols and close it as soon as it opens, sending nothing. If it
   * opens, the server speaks WebSocket but refused `tincan.v1`: try once more with it (the host may
   * just have come back) before saying it is not a Tincan host.
   */
  #startProbe(): void {
    this.#closeProbe();
    const Impl = this.#options.WebSocketImpl ?? WebSocket;
    let probe: WebSocket;
    try {
      probe = new Impl(this.#conn.url);
    } catch {
      this.#conn.scheduleReconnect();
      return;
    }
    this.#probe = probe;
    probe.onopen = () => {
      if (this.#probe !== probe) return;
      this.#closeProbe();
      this.#suspect = true;
      this.#conn.connect();
    };
    probe.onclose = () => {
      if (this.#probe !== probe) return;
      this.#probe = null;
      this.#conn.scheduleReconnect();
    };
  }

  #closeProbe(): void {
    const probe = this.#probe;
    this.#probe = null;
    if (!probe) return;
    probe.onopen = probe.onclose = null;
    try {
      probe.close(1000);
    } catch {
      // already closed
    }
  }

  #hello(): void {
    const { deviceId, nick } = this.#options.identity();
    this.#helloNick = nick;
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
    const text = JSON.stringify(frame);
    // Passwords, join tokens and the private device id never reach the timeline.
    return this.#conn.send(text, {
      kind: frame.type,
      heartbeat: frame.type === 'ping',
      ...(frame.type === 'hello' || frame.type === 'join' || frame.type === 'auth-proof'
        ? { logText: JSON.stringify(redactFrame(frame)) }
        : {}),
    });
  }

  /**
   * Send a request within the host's rate limit: it waits in a queue when the budget is spent.
   * A request with a record is remembered by its ref until answered, so a rate-limited one goes out again.
   */
  #request(frame: ClientFrameInput, request?: PendingRequest): void {
    if (request && 'ref' in frame && frame.ref !== undefined) this.#pending.set(frame.ref, request, frame);
    this.#queue.push(frame);
    this.#flush();
  }

  /** Sample bufferedAmount (what the browser has not yet handed to the network), then measure the round trip. */
  #ping(): void {
    const now = this.#now();
    if (this.#awaitingPongSince !== null && now - this.#awaitingPongSince > (this.#options.pongTimeoutMs ?? 10_000)) {
      this.#conn.abandon(1006, 'no answer from host');
      return;
    }
    this.#awaitingPongSince ??= now;
    this.#write({ type: 'ping', t: performance.now() });
  }

  // ── incoming ──────────────────────────────────────────────────────────────

  #receive(data: unknown, entry: TimelineEntry): void {
    const first = this.#firstFrame;
    this.#firstFrame = false;
    if (typeof data !== 'string') {
      if (first && !this.#greeted) this.#notTincanHost('frames');
      return;
    }
    const decoded = decodeHostFrame(data);
    if (!decoded.ok) {
      // The first frame must be the host's welcome (or an error about our hello). Later, a newer
      // host may send frames this client does not know: note them, ignore them.
      if (first && !this.#greeted) return this.#notTincanHost('frames');
      this.#conn.timeline.update(entry, { kind: 'unknown' });
      return;
    }
    const frame = decoded.frame;
    this.#conn.timeline.update(entry, { kind: frame.type, heartbeat: frame.type === 'pong' });
    this.#handle(frame);
  }

  #handle(frame: HostFrame): void {
    switch (frame.type) {
      case 'welcome':
        return this.#welcome(frame);
      case 'rooms':
        this.availableRooms = frame.rooms;
        return;
      case 'challenge':
        return void this.#challenge(frame);
      case 'joined':
        this.#pending.take(frame.ref);
        return this.#joined(frame);
      case 'left':
        this.#pending.take(frame.ref);
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
        this.#pending.take(frame.ref);
        if (this.feeds.settle(frame.id)) return;
        if (this.#outbox.acknowledge(frame.id)) this.outboxVersion++;
        // Taken: whatever mute there was has ended (or was lifted early).
        if (frame.room) {
          const acked = this.rooms.get(frame.room);
          if (acked) acked.mutedUntil = null;
        }
        this.#flushSoon();
        return;
      case 'message':
        return this.#message(frame);
      case 'history':
        return this.#history(frame);
      case 'results': {
        const request = this.#pending.take(frame.ref)?.request;
        if (request?.kind === 'search') request.settle(frame.messages);
        return;
      }
      case 'announce':
        this.announcements = [...this.announcements.slice(-19), frame];
        this.#options.onAnnounce?.(frame);
        return;
      case 'error':
        return this.#error(frame);
      case 'feed':
        return this.feeds.update(frame);
      case 'skipped':
        return this.feeds.skipped(frame);
      case 'upload':
        return this.files.reply(frame);
      case 'file-state':
        return this.files.fileState(frame);
      case 'file-status':
        return this.files.fileStatus(frame);
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
    this.failedAttempts = 0;
    this.notTincan = null;
    this.hostName = frame.host.name;
    this.hostId = frame.host.id;
    this.myDevice = frame.device;
    this.myMember = frame.member;
    this.availableRooms = frame.rooms;
    this.lastError = null;
    this.files.welcome(frame.limits);
    clearTimeout(this.#stableTimer);
    this.#stableTimer = setTimeout(() => (this.#conn.attempt = 0), STABLE_MS);
    // Leave headroom below the host's limit for pings.
    this.#bucket = new TokenBucket(
      frame.limits.ratePerSecond * 0.75,
      Math.max(1, Math.floor(frame.limits.rateBurst / 2)),
      this.#now(),
    );
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => this.#ping(), this.#options.pingIntervalMs ?? 5000);
    this.#ping();
    // A nickname saved between our hello and this welcome was not sent (we were not connected yet).
    const nick = this.#options.identity().nick;
    if (nick !== this.#helloNick) this.setNick(nick);
    for (const room of this.rooms.values()) this.#sendJoin(room);
    this.#options.onWelcome?.();
  }

  #joined(frame: HostFrameOf<'joined'>): void {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    if (!this.#auth.joined(room, frame)) return this.#unverifiedHost(room, true);
    // Fewer messages than we hold: the room's history was reset on the host. Start over.
    if (room.contiguousUpTo !== undefined && frame.head < room.contiguousUpTo) room.reset();
    const first = room.contiguousUpTo === undefined;
    room.markJoined(frame.head, frame.members);
    this.files.joined(frame);
    this.#options.onJoined?.(room);
    // A first join shows the newest page; a re-join's missed messages come as `history` pages after this.
    if (first && frame.head > 0) {
      room.loadingOlder = true;
      this.#historyRequest({ kind: 'newest', room: room.name }, { limit: HISTORY_PAGE });
    }
    this.#flush();
  }

  /** Ask for a page of history, tracked by a record of what it is for. */
  #historyRequest(
    request: PendingRequest & { room: string },
    range: { after?: number; before?: number; limit: number },
  ): void {
    const ref = this.#pending.nextRef(request.kind);
    this.#request({ type: 'history', ref, room: request.room, ...range }, request);
  }

  #message(frame: HostFrameOf<'message'>): void {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    const { type: _type, room: _room, ...message } = frame;
    const fresh = room.insert([message]);
    this.files.seen(room.name, fresh);
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
    this.files.seen(room.name, frame.messages);
    const request = this.#pending.take(frame.ref)?.request;
    if (request?.kind === 'page') return request.settle(true);
    if (request?.kind === 'older' || request?.kind === 'newest') {
      room.loadingOlder = false;
      if (!frame.more) room.reachedStart = true;
      return;
    }
    // A resume page (the join's own, or one we asked for): keep asking until caught up with head.
    const last = frame.messages.at(-1)?.seq;
    if (frame.more && last !== undefined) {
      this.#historyRequest(
        { kind: 'resume', room: room.name },
        { after: last, before: room.head + 1, limit: HISTORY_PAGE },
      );
    }
  }

  #error(frame: HostFrameOf<'error'>): void {
    if (frame.code === 'banned')
      this.bannedUntil = frame.retryAfterMs === undefined ? Infinity : this.#now() + frame.retryAfterMs;
    if (frame.code === 'muted' && frame.room) {
      const room = this.rooms.get(frame.room);
      if (room) room.mutedUntil = frame.retryAfterMs === undefined ? Infinity : this.#now() + frame.retryAfterMs;
    }
    if (this.feeds.settle(frame.id, frame.code)) return;
    if (this.files.error(frame)) return;
    this.lastError = frame.code;
    const record = this.#pending.take(frame.ref);
    const request = record?.request;
    const about = frame.id ?? (request?.kind === 'send' ? request.id : undefined);
    if (about !== undefined && this.#outbox.get(about)) return this.#sendFailed(about, frame);
    if (frame.code === 'rate_limited' && record && request && retriedAfterRateLimit(request)) {
      this.#pending.set(frame.ref!, request, record.frame);
      this.#queue.unshift(record.frame);
      this.#flushSoon(frame.retryAfterMs ?? 1000);
      return;
    }
    if (request?.kind === 'search') return request.settle(null);
    if (request?.kind === 'page') request.settle(false);
    if (request?.kind === 'older' || request?.kind === 'newest') {
      const target = this.rooms.get(request.room);
      if (target) target.loadingOlder = false;
    }
    const room = frame.room ? this.rooms.get(frame.room) : undefined;
    if (room && JOIN_ERRORS.includes(frame.code))
      room.refuseJoin(this.#auth.refused(room, frame.code), frame.retryAfterMs, this.#now());
  }

  /** Answer the host's SCRAM challenge with the proof (after one PBKDF2 run), or give up on a bad one. */
  async #challenge(frame: HostFrameOf<'challenge'>): Promise<void> {
    const room = this.rooms.get(frame.room);
    if (!room) return;
    const answer = await this.#auth.answer(frame);
    if (answer === 'refused') return this.#unverifiedHost(room, false);
    if (answer !== 'none')
      this.#request({
        type: 'auth-proof',
        ...(frame.ref ? { ref: frame.ref } : {}),
        room: room.name,
        clientFinal: answer,
      });
  }

  /** The host let us in without proving it knows the room's password (or sent a challenge no client may answer): leave. */
  #unverifiedHost(room: RoomState, admitted: boolean): void {
    this.#auth.abandon(room);
    if (admitted) this.#request({ type: 'leave', room: room.name });
    room.joined = false;
    room.joinError = 'host_unverified';
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

  // ── rooms and messages ────────────────────────────────────────────────────

  /**
   * Join (or remember to join once connected). A password is kept in memory until the host answered
   * its SCRAM exchange, whose ticket then re-joins after reconnects; an invite's join token is kept
   * in memory for the same.
   */
  join(name: string, password?: string, token?: string): RoomState {
    let room = this.rooms.get(name);
    if (!room) {
      room = new RoomState(name);
      this.rooms.set(name, room);
    }
    if (password !== undefined) {
      room.password = password;
      room.ticket = undefined;
    }
    if (token !== undefined) room.token = token;
    room.joinError = null;
    if (this.connected) this.#sendJoin(room);
    else this.connect();
    return room;
  }

  #sendJoin(room: RoomState): void {
    this.#request(
      {
        type: 'join',
        ref: this.#pending.nextRef('join'),
        room: room.name,
        ...this.#auth.joinFields(room),
        ...(room.contiguousUpTo !== undefined ? { since: room.contiguousUpTo } : {}),
      },
      { kind: 'join', room: room.name },
    );
  }

  /** Leave the room; what was still waiting to be sent there is dropped with it. */
  /** Type a line into a feed's stdin (the host refuses it unless the feed says `canWrite`). */
  feedInput(room: string, feed: string, text: string): void {
    const id = newClientId(this.#now());
    this.feeds.sent(id, room, feed);
    this.#request({ type: 'feed-input', room, feed, id, text });
  }

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
    }
    for (const message of this.#outbox.all()) {
      if (message.state !== 'queued' || !this.rooms.get(message.room)?.joined) continue;
      const wait = this.#bucket.take(this.#now());
      if (wait > 0) return this.#flushSoon(wait);
      const frame = {
        type: 'send',
        ref: this.#pending.nextRef('send'),
        room: message.room,
        id: message.id,
        text: message.text,
      } as const;
      if (!this.#write(frame)) return;
      this.#pending.set(frame.ref, { kind: 'send', id: message.id }, frame);
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
    this.#historyRequest(
      { kind: 'older', room: name },
      { limit: HISTORY_PAGE, ...(before !== undefined ? { before } : {}) },
    );
  }

  /**
   * Full-text search in a joined room; resolves with at most `limit` matches, best first ([] on
   * error or timeout). The protocol has no offset or total: "more" is the same search with a larger
   * limit, up to MAX_SEARCH_RESULTS.
   */
  /** Search a joined room: the matches, or null when the search could not run (offline, refused, no answer). */
  search(room: string, query: string, limit?: number): Promise<StoredMessage[] | null> {
    const ref = this.#pending.nextRef('search');
    return new Promise((resolve) => {
      if (!this.connected) return resolve(null);
      const timer = setTimeout(() => {
        const request = this.#pending.take(ref)?.request;
        if (request?.kind === 'search') request.settle(null);
      }, SEARCH_TIMEOUT_MS);
      const settle = (messages: StoredMessage[] | null): void => {
        clearTimeout(timer);
        resolve(messages);
      };
      this.#request(
        { type: 'search', ref, room, query, ...(limit !== undefined ? { limit } : {}) },
        { kind: 'search', settle },
      );
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
      if (!(await this.#page(name, { after, before: seq + AROUND + 1 }))) return false;
      const reached = room.floorSeq(seq) ?? 0;
      if (reached <= after) break; // nothing new up to `seq`: it is not in the room
      after = reached;
    }
    return room.has(seq);
  }

  /** Fill (the start of) a hole between two held messages: the next page after `after`, below `before`. */
  loadGap(name: string, after: number, before: number): Promise<boolean> {
    if (!this.rooms.get(name) || after + 1 >= before) return Promise.resolve(false);
    return this.#page(name, { after, before });
  }

  /** Ask for the page of `room` between `after` and `before`; one request serves everyone waiting for the same page. */
  #page(room: string, range: { after: number; before: number }): Promise<boolean> {
    if (!this.connected) return Promise.resolve(false);
    const key = `${room}\u0000${range.after}\u0000${range.before}`;
    return new Promise((resolve) => {
      const pending = this.#pending.findPage(key);
      if (pending) {
        const earlier = pending.settle;
        pending.settle = (ok) => {
          earlier(ok);
          resolve(ok);
        };
        return;
      }
      this.#historyRequest({ kind: 'page', room, key, settle: resolve }, { ...range, limit: HISTORY_PAGE });
    });
  }
}
