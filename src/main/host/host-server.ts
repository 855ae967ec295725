import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CLOSE_CODES,
  decodeClientFrame,
  PROTOCOL_VERSION,
  roomName,
  type ClientFrame,
  type Decoded,
  type RoomInfo,
} from '../../shared/protocol/index.ts';
import {
  DEFAULT_JOIN_TOKEN_TTL_MS,
  issueJoinToken,
  joinTokenSecret,
  MAX_JOIN_TOKEN_TTL_MS,
} from '../discovery/join-token.ts';
import { openDatabase } from '../store/database.ts';
import { GroupCommit } from '../store/group-commit.ts';
import { MessageStore } from '../store/message-store.ts';
import { frameHandlers, removeFromRoom, sendError } from './frame-handlers.ts';
import type { HostContext } from './host-context.ts';
import { createHttpHandler } from './http-routes.ts';
import { resolveHostOptions, type HostOptions, type ResolvedHostOptions } from './options.ts';
import { hashPassword } from './password.ts';
import { PasswordBackoff } from './password-backoff.ts';
import { Room } from './room.ts';
import { Session } from './session.ts';
import { refuseUpgrade, remoteAddressOf, UpgradeGate } from './upgrade-gate.ts';

const SHUTDOWN_GRACE_MS = 2000;

export interface RoomSettings {
  /** A string sets the password, null removes it, undefined leaves it as it is. */
  password?: string | null;
}

/**
 * The Tincan host: one port for HTTP and WebSocket, rooms with durable history, and every limit
 * of docs/protocol.md. Plain Node; the desktop app and the headless host both run this.
 */
export class HostServer {
  readonly options: ResolvedHostOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #store: MessageStore;
  readonly #commit: GroupCommit;
  readonly #rooms = new Map<string, Room>();
  readonly #sessions = new Set<Session>();
  readonly #gate: UpgradeGate;
  readonly #context: HostContext;
  readonly #startedAt: number;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: HostOptions = {}) {
    const o = (this.options = resolveHostOptions(options));
    const { limits } = o;
    this.#startedAt = o.clock();
    const db = openDatabase({ path: o.dataDir ? join(o.dataDir, 'tincan.db') : ':memory:', durability: o.durability });
    this.#store = new MessageStore(db);
    this.#commit = new GroupCommit(this.#store, { maxBatch: limits.maxCommitBatch });
    for (const r of this.#store.listRooms()) this.#rooms.set(r.name, new Room(r.id, r.name, r.passwordHash));
    const identity = { id: this.#store.meta('host_id', () => randomBytes(8).toString('hex')), name: o.hostName };
    this.#context = {
      limits,
      clock: o.clock,
      logger: o.logger,
      store: this.#store,
      commit: this.#commit,
      rooms: this.#rooms,
      backoff: new PasswordBackoff(limits.passwordBackoffBaseMs, limits.passwordBackoffMaxMs),
      identity,
      roomInfos: () => this.rooms(),
    };
    this.#gate = new UpgradeGate(limits, {
      machineName: o.hostName,
      allowedHosts: o.allowedHosts,
      allowedOrigins: o.allowedOrigins,
    });
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
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
      }),
      rooms: () => ({ host: identity, protocol: PROTOCOL_VERSION, rooms: this.rooms() }),
    });
    this.#http = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: Math.max(limits.headersTimeoutMs, 30_000),
        // Node checks the two timeouts above on this interval (default 30 s); check often enough to matter.
        connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.headersTimeoutMs / 4)),
      },
      (req, res) => {
        handler(req, res).catch((error: unknown) => {
          o.logger.error(`HTTP ${req.url}: ${String(error)}`);
          if (!res.headersSent) res.writeHead(500).end();
          else res.destroy();
        });
      },
    );
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

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  get identity(): { id: string; name: string } {
    return this.#context.identity;
  }

  /** Open WebSocket connections, handshakes included. */
  get connectionCount(): number {
    return this.#gate.total;
  }

  rooms(): RoomInfo[] {
    return [...this.#rooms.values()]
      .map((room) => room.info(this.#store.head(room.id)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Create a room (or update an existing one's password). The name follows the protocol's rules. */
  async createRoom(name: string, settings: RoomSettings = {}): Promise<RoomInfo> {
    const valid = roomName.safeParse(name);
    if (!valid.success)
      throw new TypeError(`invalid room name ${JSON.stringify(name)}: ${valid.error.issues[0]?.message}`);
    const record = this.#store.ensureRoom(name, this.options.clock());
    let room = this.#rooms.get(name);
    if (!room) {
      room = new Room(record.id, record.name, record.passwordHash);
      this.#rooms.set(name, room);
    }
    if (settings.password !== undefined) {
      const hash = settings.password === null ? null : await hashPassword(settings.password);
      this.#store.setPasswordHash(room.id, hash);
      room.passwordHash = hash;
    }
    return room.info(this.#store.head(room.id));
  }

  /**
   * A join token for an invite link to a password room: accepted by `join` instead of the password
   * until `ttlMs` from now, or until the room's password changes. Null for a room without a password.
   */
  issueJoinToken(room: string, ttlMs = DEFAULT_JOIN_TOKEN_TTL_MS): { token: string; expiresAt: number } | null {
    const found = this.#rooms.get(room);
    if (!found) throw new RangeError(`no room named ${JSON.stringify(room)}`);
    if (found.passwordHash === null) return null;
    if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_JOIN_TOKEN_TTL_MS) {
      throw new RangeError(`ttlMs must be a whole number of ms from 1 to ${MAX_JOIN_TOKEN_TTL_MS}`);
    }
    const expiresAt = Math.floor(this.options.clock() + ttlMs);
    const token = issueJoinToken(joinTokenSecret(this.#store), room, expiresAt, found.passwordHash);
    return { token, expiresAt };
  }

  /** Push a notice to everyone connected. */
  announce(text: string, level: 'info' | 'warning' = 'info'): void {
    const frame = { type: 'announce', text, level, ts: this.options.clock() } as const;
    for (const session of this.#sessions) if (session.greeted) session.send(frame);
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refusal = this.#gate.admit(req, socket);
    if (refusal) return refuseUpgrade(socket, ...refusal);
    if (this.#closing) return refuseUpgrade(socket, 503, 'Host is shutting down');
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, socket, req));
  }

  #accept(ws: WebSocket, socket: Duplex, req: IncomingMessage): void {
    const { limits, clock, logger } = this.options;
    const session = new Session(ws, socket, remoteAddressOf(req), limits, clock(), (slow) =>
      logger.warn(`dropping slow consumer ${slow.address} (${slow.ws.bufferedAmount} bytes queued)`),
    );
    this.#sessions.add(session);
    session.helloTimer = setTimeout(() => {
      if (!session.greeted) ws.close(CLOSE_CODES.helloTimeout, 'hello timeout');
    }, limits.helloTimeoutMs).unref();
    ws.on('message', (data, isBinary) => this.#onFrame(session, data, isBinary));
    ws.on('pong', () => (session.alive = true));
    // Invalid UTF-8 and oversize frames land here; ws then closes with 1007 or 1009.
    ws.on('error', (error) => logger.warn(`connection ${session.address}: ${error.message}`));
    ws.on('close', () => {
      clearTimeout(session.helloTimer);
      this.#sessions.delete(session);
      for (const room of [...session.rooms.values()]) removeFromRoom(session, room);
    });
  }

  #onFrame(session: Session, data: RawData, isBinary: boolean): void {
    session.alive = true;
    const wait = session.takeToken(this.options.clock());
    const decoded = isBinary ? undefined : decodeClientFrame(data.toString());
    if (wait > 0) return this.#rateLimited(session, wait, decoded);
    session.strikes = 0;
    if (!decoded) return sendError(session, 'binary_unsupported');
    if (!decoded.ok) return sendError(session, decoded.code, { ref: decoded.ref }, decoded.message);
    const frame = decoded.frame;
    if (!session.greeted && frame.type !== 'hello') return sendError(session, 'hello_required', refOf(frame));
    try {
      const pending = (frameHandlers[frame.type] as (c: HostContext, s: Session, f: ClientFrame) => unknown)(
        this.#context,
        session,
        frame,
      );
      if (pending instanceof Promise) pending.catch((error: unknown) => this.#internalError(session, frame, error));
    } catch (error) {
      this.#internalError(session, frame, error);
    }
  }

  #rateLimited(session: Session, wait: number, decoded: Decoded<ClientFrame> | undefined): void {
    if (++session.strikes > this.options.limits.rateStrikes) {
      session.ws.close(CLOSE_CODES.rateLimit, 'rate limit exceeded');
      return;
    }
    const frame = decoded?.ok ? decoded.frame : undefined;
    const about = frame?.type === 'send' ? { room: frame.room, id: frame.id } : {};
    const ref = decoded?.ok ? refOf(frame) : decoded?.ref ? { ref: decoded.ref } : {};
    sendError(session, 'rate_limited', { ...ref, ...about, retryAfterMs: wait });
  }

  #internalError(session: Session, frame: ClientFrame, error: unknown): void {
    this.options.logger.error(
      `handling ${frame.type}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    sendError(session, 'internal', refOf(frame));
  }

  /** Ping everyone; whoever has not answered since the last beat is gone. */
  #beat(): void {
    for (const session of this.#sessions) {
      if (!session.alive) {
        session.ws.terminate();
        continue;
      }
      session.alive = false;
      session.ws.ping();
    }
  }

  /** Stop accepting, store what is pending, close every connection with 1001, then close storage. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#heartbeat);
    const stopped = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#commit.flush();
    const closed = [...this.#sessions].map(
      (session) =>
        new Promise<void>((resolve) => {
          session.ws.once('close', () => resolve());
          session.ws.close(CLOSE_CODES.goingAway, 'host shutting down');
        }),
    );
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([Promise.all(closed), grace]);
    for (const session of this.#sessions) session.ws.terminate();
    this.#http.closeAllConnections();
    await stopped;
    this.#commit.flush();
    this.#store.close();
  }
}

function refOf(frame: ClientFrame | undefined): { ref?: string } {
  return frame && 'ref' in frame && frame.ref !== undefined ? { ref: frame.ref } : {};
}
