import { hostname } from 'node:os';
import { Worker } from 'node:worker_threads';
import type {
  AnnouncementRequest,
  AnnouncementResult,
  FeedRequest,
  FeedResult,
  HostStatus,
  HostedRoom,
} from '../../shared/ipc.ts';
import { httpUrl, lanAddresses, listeningAddresses, type LanAddress } from '../host/index.ts';
import type { Logger } from '../logger.ts';
import type { ModerationResult, ModerationView } from '../../shared/moderation.ts';
import type { ModerationAction } from './moderation-call.ts';
import {
  workerMessage,
  workerRequest,
  type WorkerAnnounceState,
  type WorkerDone,
  type WorkerFailure,
  type WorkerInvite,
  type WorkerRequest,
  type WorkerSnapshot,
} from './worker-messages.ts';

/** How long a request to the worker may take before the host is declared stuck (ms). Default 15 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export interface HostControllerOptions {
  /**
   * The worker script: `host-worker.ts` from source (tests; Node strips the types) or the bundled
   * `out/main/host-worker.js` in the app.
   */
  workerUrl: URL;
  /** Folder of the host's database (`<userData>/host` in the app); null keeps it in memory. */
  dataDir: string | null;
  /** Folder with the built web client (out/web), served so phones can join; null serves none. Default null. */
  webRoot?: string | null;
  /** Name shown to clients. Default: `os.hostname()`. */
  hostName?: string;
  /** Address to bind. Default '::' (every interface). */
  bind?: string;
  /** Browser origins allowed besides the desktop app's (e.g. the dev server's). Default none. */
  allowedOrigins?: string[];
  /** This machine's addresses, for the URLs in the status. Default: `lanAddresses()`. */
  addresses?: () => LanAddress[];
  /**
   * Announce the running host on the LAN (mDNS and the broadcast beacon, in the worker). Default true.
   * A host bound to loopback announces nothing anyway.
   */
  announce?: boolean;
  /** Default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
  logger?: Logger;
}

export interface StartOptions {
  /** 0 picks a free port. */
  port: number;
  /** Rooms to offer, created when missing (a password given here replaces the stored one). */
  rooms: HostedRoom[];
  /** Adapters to announce on, by name (the `announceInterfaces` setting). Default: the recommended ones. */
  announceInterfaces?: readonly string[];
  /** Speak TLS on the port, plain HTTP kept for browser guests (the `hostTls` setting). Default false. */
  tls?: boolean;
}

/** Where the running host is announced on the LAN. */
export type AnnounceState = WorkerAnnounceState;
/** An invite link to a room of the running host; `expiresAt` is null for a room without a password. */
export type HostInvite = WorkerInvite;

const NOT_RUNNING = 'The host is not running: start hosting first';

type Pending = { resolve: (done: WorkerDone) => void; reject: (error: Error) => void };

/** A request the worker refused; `code` is Node's error code when there was one. */
class WorkerError extends Error {
  readonly code: string | undefined;
  constructor(failure: WorkerFailure) {
    super(failure.message);
    this.code = failure.code;
  }
}

/** A failure to start, in words for people. */
export function describeStartFailure(error: unknown, port: number): string {
  const code = error instanceof WorkerError ? error.code : undefined;
  if (code === 'EADDRINUSE') return `Port ${port} is already in use`;
  if (code === 'EACCES') return `Not allowed to listen on port ${port}; use a port above 1023`;
  if (code === 'EADDRNOTAVAIL') return 'The address to listen on is not available on this machine';
  return `The host could not start: ${error instanceof Error ? error.message : String(error)}`;
}

const STOPPED: HostStatus = { state: 'stopped', port: null, urls: [], rooms: [] };

/**
 * Runs the local HostServer in a worker thread and reports its state as a {@link HostStatus}. Calls
 * are taken one at a time in order: starting a running host or stopping a stopped one is a no-op that
 * returns the status. A failed start or a crashed worker leaves the state `failed` with the reason.
 * Plain Node, no Electron.
 */
export class HostController {
  readonly #options: Required<Omit<HostControllerOptions, 'webRoot'>> & { webRoot: string | null };
  #status: HostStatus = STOPPED;
  /** The host's stable id, once a host has run (it is kept in the host's database, so it stays). */
  #hostId: string | null = null;
  #announcing: AnnounceState | null = null;
  #worker: Worker | null = null;
  /** Set while this controller is ending the worker on purpose, so its exit is not a crash. */
  #ending = false;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<(status: HostStatus) => void>();

  constructor(options: HostControllerOptions) {
    this.#options = {
      workerUrl: options.workerUrl,
      dataDir: options.dataDir,
      webRoot: options.webRoot ?? null,
      hostName: options.hostName ?? hostname(),
      bind: options.bind ?? '::',
      allowedOrigins: options.allowedOrigins ?? [],
      addresses: options.addresses ?? (() => lanAddresses()),
      announce: options.announce ?? true,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      logger: options.logger ?? console,
    };
  }

  /** The last known status (a copy). Room heads and member counts are as of the last call; see {@link refresh}. */
  status(): HostStatus {
    return structuredClone(this.#status);
  }

  /**
   * The id of the local host (what it announces on the LAN), once it has run; null before. It is kept
   * in the host's database, so it stays the same after the host stops and across restarts.
   */
  hostId(): string | null {
    return this.#hostId;
  }

  /** Where the running host is announced (as of the last call), or null when it is not running or announcing is off. */
  announcing(): AnnounceState | null {
    return this.#status.state === 'running' && this.#announcing ? structuredClone(this.#announcing) : null;
  }

  /** The status with the rooms' heads and member counts read from the host now. */
  refresh(): Promise<HostStatus> {
    return this.#serially(async () => {
      if (this.#status.state !== 'running') return this.status();
      const { snapshot } = await this.#request({ type: 'rooms' });
      if (snapshot) this.#running(snapshot);
      return this.status();
    });
  }

  /**
   * Announces the running host on these adapters from now on (empty: the recommended ones). A no-op when
   * the host is not running (the next start takes its adapters from {@link StartOptions}) or announcing is off.
   */
  announceOn(interfaces: readonly string[]): Promise<HostStatus> {
    return this.#serially(async () => {
      if (this.#status.state !== 'running' || !this.#options.announce) return this.status();
      const { snapshot } = await this.#request({ type: 'announce', interfaces: [...interfaces] });
      if (snapshot) this.#running(snapshot);
      return this.status();
    });
  }

  /**
   * An invite link to a room of the running host, with a join token (valid one day) when the room has a
   * password. Rejects, in words for people, when the host is not running or has no such room.
   */
  createInvite(room: string): Promise<HostInvite> {
    return this.#serially(async () => {
      if (this.#status.state !== 'running') throw new Error(NOT_RUNNING);
      const { snapshot, invite } = await this.#request({ type: 'create-invite', room });
      if (snapshot) this.#running(snapshot);
      if (!invite) throw new Error('the host made no invite');
      return invite;
    });
  }

  /**
   * Posts an operator announcement into one room or every room of the running host (stored, so members
   * who are away get it on resume). Rejects, in words for people, when the host is not running, the
   * room does not exist, or the text is not allowed.
   */
  postAnnouncement(announcement: AnnouncementRequest): Promise<AnnouncementResult> {
    return this.#serially(async () => {
      if (this.#status.state !== 'running') throw new Error(NOT_RUNNING);
      const { snapshot, announced } = await this.#request({ type: 'post-announcement', announcement });
      if (snapshot) this.#running(snapshot);
      if (!announced) throw new Error('the host stored no announcement');
      return announced;
    });
  }

  /**
   * Runs a command as a feed of a room of the running host (one process shared by every member).
   * Rejects, in words for people, when the host is not running, the room does not exist, or the
   * command cannot be read.
   */
  attachFeed(feed: FeedRequest): Promise<FeedResult> {
    return this.#serially(async () => {
      if (this.#status.state !== 'running') throw new Error(NOT_RUNNING);
      const { snapshot, feed: attached } = await this.#request({ type: 'attach-feed', feed });
      if (snapshot) this.#running(snapshot);
      if (!attached) throw new Error('the host attached no feed');
      return attached;
    });
  }

  /**
   * Who is connected to the running host, with its bans and mutes (the host panel's Connected
   * table, read about once a second). Rejects when the host is not running.
   */
  moderationView(): Promise<ModerationView> {
    return this.#serially(async () => {
      if (this.#status.state !== 'running') throw new Error(NOT_RUNNING);
      const { snapshot, view } = await this.#request({ type: 'moderation', call: { action: 'view' } });
      if (snapshot) this.#running(snapshot);
      if (!view) throw new Error('the host gave no moderation view');
      return view;
    });
  }

  /**
   * Kick, ban, unban, mute or unmute on the running host; resolves with what it did. Rejects, in
   * words for people, when the host is not running or the request names no such member, room or ban.
   */
  moderate(action: ModerationAction): Promise<ModerationResult> {
    return this.#serially(async () => {
      if (this.#status.state !== 'running') throw new Error(NOT_RUNNING);
      const { snapshot, moderated } = await this.#request({ type: 'moderation', call: action });
      if (snapshot) this.#running(snapshot);
      if (!moderated) throw new Error('the host did not say what it did');
      return moderated;
    });
  }

  /** Calls `listener` with every new status; returns the function that stops it. */
  onStatus(listener: (status: HostStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts hosting. Resolves with the status, `running` or `failed` (never rejects for a failed start). */
  start(options: StartOptions): Promise<HostStatus> {
    return this.#serially(async () => {
      if (this.#status.state === 'running') return this.status();
      await this.#endWorker();
      this.#set({ state: 'starting', port: null, urls: [], rooms: [] });
      const { dataDir, webRoot, hostName, bind, allowedOrigins, announce } = this.#options;
      try {
        this.#spawn();
        const { snapshot } = await this.#request({
          type: 'start',
          config: {
            port: options.port,
            bind,
            dataDir,
            webRoot,
            hostName,
            allowedOrigins,
            rooms: options.rooms,
            announce: announce ? { interfaces: [...(options.announceInterfaces ?? [])] } : null,
            tls: options.tls ?? false,
          },
        });
        if (!snapshot) throw new Error('the worker reported no host');
        this.#running(snapshot);
      } catch (error) {
        await this.#endWorker();
        // A crash while starting has already said (and logged) why; keep that reason.
        if (this.#status.state !== 'failed') {
          const reason = describeStartFailure(error, options.port);
          this.#options.logger.error(`host: ${reason}`);
          this.#set({ ...STOPPED, state: 'failed', error: reason });
        }
      }
      return this.status();
    });
  }

  /** Stops hosting: connections closed, pending messages stored. Resolves with the `stopped` status. */
  stop(): Promise<HostStatus> {
    return this.#serially(async () => {
      if (this.#status.state === 'stopped') return this.status();
      if (this.#worker && this.#status.state === 'running') {
        this.#set({ ...this.#status, state: 'stopping' });
        try {
          await this.#request({ type: 'stop' });
        } catch (error) {
          this.#options.logger.error(`host: stopping failed: ${String(error)}`);
        }
      }
      await this.#endWorker();
      this.#set(STOPPED);
      return this.status();
    });
  }

  /** Creates a room on the running host (or sets an existing room's password). Rejects when not running. */
  createRoom(room: HostedRoom): Promise<HostStatus> {
    return this.#serially(async () => {
      if (this.#status.state !== 'running') throw new Error(NOT_RUNNING);
      const { snapshot } = await this.#request({ type: 'create-room', room });
      if (snapshot) this.#running(snapshot);
      return this.status();
    });
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }

  #running(snapshot: WorkerSnapshot): void {
    this.#hostId = snapshot.hostId;
    this.#announcing = snapshot.announcing;
    const { bind, addresses } = this.#options;
    const urls = listeningAddresses(bind, addresses()).map((a) => httpUrl(a.address, snapshot.port));
    const announcing = snapshot.announcing ? { announcing: snapshot.announcing } : {};
    const identity = { fingerprint: snapshot.fingerprint, tls: snapshot.tls };
    this.#set({ state: 'running', port: snapshot.port, urls, rooms: snapshot.rooms, ...announcing, ...identity });
  }

  #set(status: HostStatus): void {
    const changed = JSON.stringify(status) !== JSON.stringify(this.#status);
    this.#status = status;
    if (!changed) return;
    for (const listener of this.#listeners) {
      try {
        listener(this.status());
      } catch (error) {
        this.#options.logger.error(`host status listener failed: ${String(error)}`);
      }
    }
  }

  #spawn(): void {
    const worker = new Worker(this.#options.workerUrl, { name: 'tincan-host' });
    this.#worker = worker;
    this.#ending = false;
    worker.on('message', (data: unknown) => this.#onMessage(data));
    worker.on('error', (error) => this.#onCrash(worker, `The host stopped unexpectedly: ${error.message}`));
    worker.on('exit', (code) => this.#onCrash(worker, `The host stopped unexpectedly (exit code ${code})`));
  }

  #onMessage(data: unknown): void {
    const parsed = workerMessage.safeParse(data);
    if (!parsed.success) {
      this.#options.logger.error(`host worker sent an invalid message: ${parsed.error.issues[0]?.message}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'log') {
      this.#options.logger[message.level](message.message);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.type === 'done') pending.resolve(message);
    else pending.reject(new WorkerError(message.error));
  }

  /** The worker died (an uncaught error, or it exited) without being asked to. */
  #onCrash(worker: Worker, reason: string): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    const expected = this.#ending;
    this.#rejectPending(new Error(reason));
    if (expected) return;
    this.#options.logger.error(`host: ${reason}`);
    this.#set({ ...STOPPED, state: 'failed', error: reason });
  }

  #rejectPending(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  #request(request: DistributiveOmit<WorkerRequest, 'id'>): Promise<WorkerDone> {
    const worker = this.#worker;
    if (!worker) return Promise.reject(new Error('The host is not running'));
    const id = this.#nextId++;
    const checked = workerRequest.safeParse({ ...request, id });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field = issue?.path.filter((key) => key !== 'config').join('.') || request.type;
      return Promise.reject(new TypeError(`invalid ${field}: ${issue?.message ?? 'invalid'}`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the host did not answer ${request.type} within ${this.#options.requestTimeoutMs} ms`));
      }, this.#options.requestTimeoutMs);
      this.#pending.set(id, {
        resolve: (done) => {
          clearTimeout(timer);
          resolve(done);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      worker.postMessage(checked.data);
    });
  }

  /** Ends the worker thread, if any, and waits until it is gone. */
  async #endWorker(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#ending = true;
    await worker.terminate();
    if (this.#worker === worker) this.#worker = null;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
