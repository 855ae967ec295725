import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  BINARY_HEADER_BYTES,
  BINARY_TYPES,
  CLOSE_CODES,
  PROTOCOL_VERSION,
  TINCAN_SUBPROTOCOL,
  type AnnouncementLevel,
  type RoomInfo,
} from '../../shared/protocol/index.ts';
import { FileRecords, openDatabase, MessageStore, ModerationStore } from '../store/index.ts';
import { fileChunk, FileService, serveFile } from '../files/index.ts';
import { fingerprintOf, hostIdOf } from '../tls/index.ts';
import {
  DEFAULT_JOIN_TOKEN_TTL_MS,
  issueJoinToken,
  joinTokenDigest,
  joinTokenExpiry,
  verifyJoinToken,
  hostSecret,
  joinTokenSecret,
  MAX_JOIN_TOKEN_TTL_MS,
} from './auth/join-token.ts';
import { PasswordBackoff } from './auth/password-backoff.ts';
import { RoomAccess } from './auth/room-access.ts';
import { ScramJoins } from './auth/scram-join.ts';
import { createVerifier, verifierMatches } from './auth/scram-verifier.ts';
import type { BinaryHandler } from './binary-handlers.ts';
import { EchoEndpoint } from './echo-endpoint.ts';
import { FrameDispatch } from './frame-dispatch.ts';
import type { HostContext } from './host-context.ts';
import { HostListener } from './host-listener.ts';
import { createHttpHandler } from './http-routes.ts';
import { resolveHostOptions, type HostOptions, type ResolvedHostOptions } from './options.ts';
import { CorkScope } from './rooms/cork-scope.ts';
import { defaultPosterNick, postAnnouncement, type Announced, type AnnounceOptions } from './rooms/announcements.ts';
import { RoomHub } from './rooms/room-hub.ts';
import { SearchBudget } from './search-budget.ts';
import { SearchQueue } from './search-queue.ts';
import { dropBiggestQueues } from './queue-guard.ts';
import { AdminApi } from './moderation/admin-api.ts';
import { Moderation } from './moderation/index.ts';
import { Session } from './session.ts';
import { refuseUpgrade, remoteAddressOf, UpgradeGate } from './upgrade-gate.ts';

const SHUTDOWN_GRACE_MS = 2000;
/** TCP connections allowed beyond maxConnections, for plain HTTP (the web client, /health). */
const TCP_HEADROOM = 256;
/** How often the host adds up every connection's queue against maxHostBufferedBytes. */
const QUEUE_CHECK_INTERVAL_MS = 250;
/** Searches one connection may have waiting to run; more get rate_limited (search-as-you-type sends a few). */
const SEARCHES_WAITING_PER_CONNECTION = 2;

export interface RoomSettings {
  /** A string sets the password, null removes it, undefined leaves it as it is. */
  password?: string | null;
}

/**
 * The Tincan host's transport: one port for HTTP and WebSocket, the upgrade gate, heartbeats, and
 * dispatch of text frames (by `type`) and binary frames (by their type byte) to handlers. Rooms,
 * membership, storage and fan-out are the hub's (rooms/room-hub.ts). Plain Node; the desktop app
 * and the headless host both run this.
 */
export class HostServer {
  readonly options: ResolvedHostOptions;
  readonly #http: HostListener;
  readonly #wss: WebSocketServer;
  readonly #store: MessageStore;
  readonly #hub: RoomHub;
  readonly #cork = new CorkScope();
  /** Every open connection's session, by its socket: the shared listeners below look it up here. */
  readonly #sessions = new Map<WebSocket, Session>();
  readonly #onSlow: (session: Session) => void;
  readonly #onDrop: (session: Session, reason: string) => void;
  readonly #dispatch: FrameDispatch;
  readonly #echo: EchoEndpoint;
  readonly #gate: UpgradeGate;
  readonly #moderation: Moderation;
  readonly #files: FileService;
  /** The folder of files of a host without a data folder, deleted when it closes. */
  readonly #scratch: string | null;
  readonly #context: HostContext;
  readonly #startedAt: number;
  readonly #fingerprint: string | null;
  /** Listeners shared by every connection (they find the session by its socket): no closures per connection. */
  readonly #wsListeners: {
    message: (this: WebSocket, data: RawData, isBinary: boolean) => void;
    pong: (this: WebSocket) => void;
    error: (this: WebSocket, error: Error) => void;
    close: (this: WebSocket) => void;
  };
  #heartbeat: NodeJS.Timeout | undefined;
  #queueCheck: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: HostOptions = {}) {
    const o = (this.options = resolveHostOptions(options));
    const { limits } = o;
    this.#startedAt = o.clock();
    const db = openDatabase({ path: o.dataDir ? join(o.dataDir, 'tincan.db') : ':memory:', durability: o.durability });
    this.#store = new MessageStore(db);
    this.#hub = new RoomHub({
      store: this.#store,
      cork: this.#cork,
      clock: o.clock,
      logger: o.logger,
      maxCommitBatch: limits.maxCommitBatch,
      maxPageBytes: limits.maxPageBytes,
    });
    // A host with a certificate is named by its key's hash; the random id stored by earlier versions goes unused.
    const id = o.certificate
      ? hostIdOf(o.certificate.cert)
      : this.#store.meta('host_id', () => randomBytes(8).toString('hex'));
    const identity = { id, name: o.hostName };
    // One backoff for every way into a locked room: SCRAM, join tokens and tickets share its budget.
    const backoff = new PasswordBackoff(limits);
    const hostId = () => identity.id;
    this.#scratch = o.dataDir ? null : mkdtempSync(join(tmpdir(), 'tincan-files-'));
    this.#files = new FileService({
      records: new FileRecords(db),
      hub: this.#hub,
      dir: join(o.dataDir ?? this.#scratch!, 'files'),
      limits,
      clock: o.clock,
      logger: o.logger,
      secret: hostSecret(this.#store, 'file_key_secret'),
    });
    this.#moderation = new Moderation({
      hub: this.#hub,
      store: new ModerationStore(db),
      sessions: () => this.#sessions.values(),
      clock: o.clock,
      logger: o.logger,
      operatorNick: defaultPosterNick(o.hostName),
    });
    this.#context = {
      limits,
      clock: o.clock,
      logger: o.logger,
      hub: this.#hub,
      access: new RoomAccess({ backoff, secrets: this.#store, clock: o.clock, hostId }),
      scram: new ScramJoins({ backoff, secrets: this.#store, limits, clock: o.clock, hostId }),
      searchBudget: new SearchBudget(limits, o.clock()),
      searchQueue: new SearchQueue(SEARCHES_WAITING_PER_CONNECTION, (error) =>
        o.logger.error(`search failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      ),
      identity,
      roomInfos: () => this.rooms(),
      moderation: this.#moderation,
      files: this.#files,
    };
    const sessionOf = (ws: WebSocket) => this.#sessions.get(ws)!;
    const onFrame = (session: Session, data: RawData, isBinary: boolean) => this.#onFrame(session, data, isBinary);
    const closed = (session: Session) => this.#closed(session);
    this.#onSlow = (slow) =>
      o.logger.warn(`dropping slow consumer ${slow.address} (${slow.ws.bufferedAmount} bytes queued)`);
    this.#onDrop = (dropped, reason) =>
      o.logger.warn(`dropping ${dropped.address} (${dropped.queuedBytes} bytes queued): ${reason}`);
    this.#wsListeners = {
      message(data, isBinary) {
        onFrame(sessionOf(this), data, isBinary);
      },
      pong() {
        sessionOf(this).ponged();
      },
      // Invalid UTF-8 and oversize frames land here; ws then closes with 1007 or 1009.
      error(error) {
        o.logger.warn(`connection ${sessionOf(this).address}: ${error.message}`);
      },
      close() {
        closed(sessionOf(this));
      },
    };
    this.#dispatch = new FrameDispatch(this.#context);
    this.#dispatch.handleBinary(BINARY_TYPES.fileChunk, fileChunk);
    this.#echo = new EchoEndpoint(limits, o.clock);
    this.#gate = new UpgradeGate(limits, {
      machineName: o.hostName,
      allowedHosts: o.allowedHosts,
      allowedOrigins: o.allowedOrigins,
      refuseAddress: (address) => this.#moderation.addressBan(address),
    });
    this.#wss = new WebSocketServer({
      noServer: true,
      // Binary frames may carry a chunk; text frames are held to maxFrameBytes in #onText.
      maxPayload: Math.max(limits.maxFrameBytes, BINARY_HEADER_BYTES + limits.maxChunkBytes),
      perMessageDeflate: false,
      clientTracking: false,
      // A client that offers `tincan.v1` learns from the handshake that this is a Tincan host,
      // before it sends anything of its own (its device id).
      handleProtocols: (offered) => (offered.has(TINCAN_SUBPROTOCOL) ? TINCAN_SUBPROTOCOL : false),
    });
    const handler = createHttpHandler({
      machineName: o.hostName,
      allowedHosts: o.allowedHosts,
      webRoot: o.webRoot,
      health: () => ({
        status: 'ok',
        protocol: PROTOCOL_VERSION,
        host: identity,
        uptimeMs: o.clock() - this.#startedAt,
        connections: this.#gate.total,
        ...(this.#fingerprint ? { tls: { fingerprint: this.#fingerprint } } : {}),
      }),
      rooms: () => ({ host: identity, protocol: PROTOCOL_VERSION, rooms: this.rooms() }),
      files: (req, res, path, query) => serveFile(this.#files, req, res, path, query),
      refuseAddress: (address) => this.#moderation.addressRefusal(address),
    });
    const serverOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: Math.max(limits.headersTimeoutMs, 30_000),
      // Node checks the two timeouts above on this interval (default 30 s); check often enough to matter.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.headersTimeoutMs / 4)),
    };
    const admin = new AdminApi({
      secret: o.adminSecret,
      moderation: this.#moderation,
      clock: o.clock,
      machineName: o.hostName,
      allowedHosts: o.allowedHosts,
      announce: (text, options) => this.announce(text, options),
    });
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      (admin.handles(req) ? admin.serve(req, res) : handler(req, res)).catch((error: unknown) => {
        o.logger.error(`HTTP ${req.url}: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    };
    // With TLS the one port speaks HTTPS and WSS (and plain HTTP too with alsoPlain); the routes and
    // the upgrade are the same.
    const secure = o.tls
      ? createHttpsServer(
          // A TLS handshake gets no longer than the headers would (Node's default is 120 s).
          { ...serverOptions, key: o.tls.key, cert: o.tls.cert, handshakeTimeout: limits.headersTimeoutMs },
          onRequest,
        )
      : null;
    const plain = !secure || o.tls?.alsoPlain ? createServer(serverOptions, onRequest) : null;
    this.#http = new HostListener(plain && secure ? [plain, secure] : [(secure ?? plain)!], limits.headersTimeoutMs);
    // TCP connections of any kind (page loads, handshakes not finished yet) are bounded too, so idle
    // sockets cannot use up the process's file descriptors.
    this.#http.maxConnections = limits.maxConnections + TCP_HEADROOM;
    this.#fingerprint = o.tls ? fingerprintOf(o.tls.cert) : null;
    this.#http.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
    this.#http.on('clientError', (_error, socket) => refuseUpgrade(socket, 400, 'Bad request'));
  }

  /** Start listening. Resolves once the port is open. */
  async listen(): Promise<this> {
    const { port, bind } = this.options;
    try {
      await this.#listenOn(port, bind);
    } catch (error) {
      // A machine without IPv6 cannot bind '::'; every IPv4 interface is the next best thing.
      const code = (error as NodeJS.ErrnoException).code;
      if (bind !== '::' || (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL')) throw error;
      await this.#listenOn(port, '0.0.0.0');
    }
    this.#heartbeat = setInterval(() => this.#beat(), this.options.limits.heartbeatIntervalMs).unref();
    this.#queueCheck = setInterval(
      () =>
        dropBiggestQueues(
          [...this.#sessions.values(), ...this.#echo.peers()],
          this.options.limits.maxHostBufferedBytes,
        ),
      QUEUE_CHECK_INTERVAL_MS,
    ).unref();
    return this;
  }

  #listenOn(port: number, bind: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#http.once('error', onError);
      this.#http.listen(port, bind, () => {
        this.#http.off('error', onError);
        resolve();
      });
    });
  }

  /** SHA-256 of the TLS certificate (64 hex digits) when the host speaks TLS, else null. */
  get fingerprint(): string | null {
    return this.#fingerprint;
  }

  /** The host's key and certificate (its identity; see HostOptions.certificate), or null without one. */
  get certificate(): { key: string; cert: string } | null {
    return this.options.certificate;
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  get identity(): { id: string; name: string } {
    return this.#context.identity;
  }

  /** Password challenges waiting for their proof, over every connection (at most `maxChallenges`). */
  get openChallenges(): number {
    return this.#context.scram.openChallenges;
  }

  /** Open WebSocket connections, handshakes included. */
  get connectionCount(): number {
    return this.#gate.total;
  }

  rooms(): RoomInfo[] {
    return this.#hub.list();
  }

  /** The operator's controls: who is connected, kick, ban, mute (moderation/moderation.ts). */
  get moderation(): Moderation {
    return this.#moderation;
  }

  /** The room hub: for services that post into rooms (feeds, files) and listen to joins and leaves. */
  get hub(): RoomHub {
    return this.#hub;
  }

  /** Files sent through the host: for the bench and diagnostics (quota used). */
  get files(): FileService {
    return this.#files;
  }

  /** Create a room (or update an existing one's password). The name follows the protocol's rules. */
  async createRoom(name: string, settings: RoomSettings = {}): Promise<RoomInfo> {
    const room = this.#hub.ensure(name);
    const { password } = settings;
    if (password === null) this.#hub.setVerifier(room, null);
    else if (password !== undefined) {
      // The same password again keeps its verifier (and its salt): invite tokens and session tickets
      // are bound to it, so a new one on every start would end them all. A room still on an scrypt
      // hash from before SCRAM gets its first verifier here.
      const unchanged = room.verifier !== null && (await verifierMatches(password, room.verifier));
      if (!unchanged) this.#hub.setVerifier(room, await createVerifier(password, this.options.limits.scramIterations));
    }
    return room.info(this.#hub.head(room));
  }

  /** Rooms still locked by a password from before SCRAM: nobody can join them until `createRoom` gives it again. */
  roomsAwaitingPassword(): string[] {
    return this.#hub
      .rooms()
      .filter((r) => r.verifier === null && r.passwordHash !== null)
      .map((r) => r.name)
      .sort();
  }

  /**
   * A join token for an invite link to a password room: accepted by `join` instead of the password
   * until `ttlMs` from now, or until the room's password changes. Null for a room without a password.
   */
  issueJoinToken(room: string, ttlMs = DEFAULT_JOIN_TOKEN_TTL_MS): { token: string; expiresAt: number } | null {
    const found = this.#hub.get(room);
    if (!found) throw new RangeError(`no room named ${JSON.stringify(room)}`);
    if (found.credential === null) return null;
    if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_JOIN_TOKEN_TTL_MS) {
      throw new RangeError(`ttlMs must be a whole number of ms from 1 to ${MAX_JOIN_TOKEN_TTL_MS}`);
    }
    const expiresAt = Math.floor(this.options.clock() + ttlMs);
    const token = issueJoinToken(joinTokenSecret(this.#store), room, expiresAt, found.credential);
    return { token, expiresAt };
  }

  /**
   * Revoke one invite's join token (the token, or an invite link carrying one): it stops admitting
   * anyone at once, while other invites to the room keep working. Throws when it is not a token of
   * one of this host's rooms.
   */
  revokeJoinToken(tokenOrInvite: string): { room: string; expiresAt: number } {
    const token = /[#&?]token=([^&\s]+)/.exec(tokenOrInvite)?.[1] ?? tokenOrInvite.trim();
    const expiresAt = joinTokenExpiry(token);
    const secret = joinTokenSecret(this.#store);
    const room =
      expiresAt === null
        ? undefined
        : this.#hub
            .rooms()
            .find(
              (r) => r.credential !== null && verifyJoinToken(secret, r.name, token, r.credential, 0) !== 'invalid',
            );
    if (!room || expiresAt === null) throw new RangeError('that is not an invite token of this host');
    this.#store.revokeJoinToken(joinTokenDigest(token), expiresAt, this.options.clock());
    return { room: room.name, expiresAt };
  }

  /**
   * Post an announcement from the host's operator into one room or every room: stored like any
   * message (members who were away get it on resume), shown apart from chat. Resolves once stored.
   * Throws (before storing anything) on text the protocol would refuse or a room that does not exist.
   */
  announce(text: string, options: AnnounceOptions = {}): Promise<Announced[]> {
    return postAnnouncement(this.#hub, text, { nick: defaultPosterNick(this.options.hostName), ...options });
  }

  /** Push a transient notice to everyone connected, in no room and not stored (the `announce` frame). */
  notifyAll(text: string, level: AnnouncementLevel = 'info'): void {
    const frame = { type: 'announce', text, level, ts: this.options.clock() } as const;
    this.#cork.run(() => {
      for (const session of this.#sessions.values()) if (session.greeted) session.send(frame);
    });
  }

  /**
   * Handle binary frames of `type` (one byte) with `handler`; the seam where file transfer plugs
   * in. Until a type has a handler, its frames are answered with `binary_unsupported`.
   */
  handleBinary(type: number, handler: BinaryHandler): void {
    this.#dispatch.handleBinary(type, handler);
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A named function, not a closure: a closure here would keep `req` alive as long as the socket.
    socket.on('error', destroySocket);
    const admitted = this.#gate.admit(req, socket);
    if (typeof admitted !== 'string') return refuseUpgrade(socket, ...admitted);
    if (this.#closing) return refuseUpgrade(socket, 503, 'Host is shutting down');
    if (admitted === '/echo') return this.#echo.upgrade(req, socket, head);
    this.#wss.handleUpgrade(req, socket, head, (ws, request) => this.#accept(ws, socket, remoteAddressOf(request)));
  }

  #accept(ws: WebSocket, socket: Duplex, address: string): void {
    const { limits, clock } = this.options;
    const session = new Session(ws, socket, address, limits, clock(), this.#cork, this.#onSlow, this.#onDrop);
    this.#sessions.set(ws, session);
    session.helloTimer = setTimeout(closeUngreeted, limits.helloTimeoutMs, session).unref();
    const listeners = this.#wsListeners;
    ws.on('message', listeners.message);
    ws.on('pong', listeners.pong);
    ws.on('error', listeners.error);
    ws.on('close', listeners.close);
    session.ping();
  }

  #closed(session: Session): void {
    clearTimeout(session.helloTimer);
    this.#sessions.delete(session.ws);
    this.#context.scram.closed(session);
    this.#hub.leaveAll(session);
  }

  #onFrame(session: Session, data: RawData, isBinary: boolean): void {
    session.alive = true;
    // binaryType is 'nodebuffer': every message arrives as one Buffer.
    const bytes = data as Buffer;
    session.received(bytes.length);
    // Replies to one frame (joined + history, say) leave in one write.
    this.#cork.run(() => this.#dispatch.frame(session, bytes, isBinary));
  }

  /**
   * Ping everyone; whoever has not answered since the last beat is gone, and so is whoever answers
   * but has not read anything the host sent since then.
   */
  #beat(): void {
    this.#echo.beat();
    for (const session of this.#sessions.values()) {
      if (!session.alive) {
        session.ws.terminate();
        continue;
      }
      if (session.stalled()) {
        session.drop('it has read nothing for a heartbeat interval');
        continue;
      }
      session.alive = false;
      session.ping();
    }
  }

  /** Stop accepting, store what is pending, close every connection with 1001, then close storage. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearInterval(this.#queueCheck);
    const stopped = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#hub.flush();
    const closed = [...this.#sessions.values()].map(
      (session) =>
        new Promise<void>((resolve) => {
          session.ws.once('close', () => resolve());
          session.ws.close(CLOSE_CODES.goingAway, 'host shutting down');
        }),
    );
    this.#echo.close(CLOSE_CODES.goingAway, 'host shutting down');
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([Promise.all(closed), grace]);
    for (const session of this.#sessions.values()) session.ws.terminate();
    this.#echo.terminate();
    this.#http.closeAllConnections();
    await stopped;
    await this.#files.close();
    this.#hub.flush();
    this.#store.close();
    if (this.#scratch) rmSync(this.#scratch, { recursive: true, force: true });
  }
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

function closeUngreeted(session: Session): void {
  if (!session.greeted) session.ws.close(CLOSE_CODES.helloTimeout, 'hello timeout');
}
