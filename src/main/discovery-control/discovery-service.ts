import type { DiscoveredHost as DiscoveredHostInfo } from '../../shared/ipc.ts';
import {
  startDiscovery,
  type CreateDiscoveryOptions,
  type DiscoveredHost,
  type Discovery,
} from '../discovery/index.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { cutUnits as cut } from '../../shared/cut-text.ts';

/** The fewest milliseconds between two pushed lists: at most 4 a second. */
export const DEFAULT_PUSH_INTERVAL_MS = 250;

// The limits of the `discoveredHost` schema (src/shared/ipc.ts).
const MAX_ID = 64;
const MAX_NAME = 64;
const MAX_ADDRESS = 64;
const MAX_ADDRESSES = 16;
const MAX_ROOM = 64;
const MAX_ROOMS = 256;

/**
 * A host as the renderer sees it (the `discoveredHost` schema): the fields it has, within its limits.
 * Addresses and rooms too long to be real are dropped (a cut address or room name would be wrong, not
 * shorter); rooms beyond the cap are cut and `roomsTruncated` says so. Null for a host that cannot be
 * shown at all (an id too long to be one, no usable port).
 */
export function toDiscoveredHostInfo(host: DiscoveredHost, pinned = false): DiscoveredHostInfo | null {
  if (host.id.length === 0 || host.id.length > MAX_ID) return null;
  if (!Number.isInteger(host.port) || host.port < 1 || host.port > 65535) return null;
  const rooms = host.rooms.filter((r) => r.length <= MAX_ROOM);
  return {
    id: host.id,
    name: cut(host.name, MAX_NAME),
    addresses: host.addresses.filter((a) => a.length <= MAX_ADDRESS).slice(0, MAX_ADDRESSES),
    port: host.port,
    rooms: rooms.slice(0, MAX_ROOMS),
    roomsTruncated: host.roomsTruncated || rooms.length > MAX_ROOMS || rooms.length < host.rooms.length,
    protocol: Math.trunc(host.protocol),
    via: [...host.via],
    lastSeen: Math.max(0, Math.floor(host.lastSeen)),
    fingerprint: host.fingerprint,
    tls: host.tls,
    verified: host.verified,
    ...(host.claimedId && host.claimedId.length <= MAX_ID ? { claimedId: host.claimedId } : {}),
    pinned,
  };
}

export interface DiscoveryServiceOptions {
  /** Starts browsing. Default `startDiscovery` (mDNS and the beacon listener on the recommended adapters). */
  start?: (options: CreateDiscoveryOptions) => Promise<Discovery>;
  /** Passed on to `start` (adapters, sources, ports); ignoreIds, clock and logger are this service's. */
  discovery?: Omit<CreateDiscoveryOptions, 'ignoreIds' | 'clock' | 'logger'>;
  /** Hosts to leave out from the start (this app's own host). More with {@link DiscoveryService.ignore}. */
  ignoreIds?: readonly string[];
  clock?: () => number;
  logger?: Logger;
  /** The fewest ms between two calls of the change listeners. Default {@link DEFAULT_PUSH_INTERVAL_MS}. */
  pushIntervalMs?: number;
  /** Whether this app has pinned a certificate for the host (the PinStore's answer). Default: never. */
  isPinned?: (host: DiscoveredHost) => boolean;
}

/**
 * The hosts this app hears on the LAN, for the renderer: a Discovery (mDNS + broadcast beacon)
 * started at launch, its hosts mapped to the IPC contract's `discoveredHost`, this app's own host
 * left out. Listeners hear every change, throttled: the first change at once, then at most one list
 * per `pushIntervalMs`, always ending with the latest. Browsing that fails to start is logged and the
 * list stays empty: discovery is a convenience, never a reason to fail. Plain Node.
 */
export class DiscoveryService {
  readonly #options: DiscoveryServiceOptions;
  readonly #logger: Logger;
  readonly #pushIntervalMs: number;
  readonly #ignore: Set<string>;
  readonly #listeners = new Set<(hosts: DiscoveredHostInfo[]) => void>();
  #discovery: Discovery | undefined;
  #starting: Promise<void> | undefined;
  #stopped = false;
  #lastPush = -Infinity;
  #lastSent = '[]';
  #timer: NodeJS.Timeout | undefined;

  constructor(options: DiscoveryServiceOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#pushIntervalMs = options.pushIntervalMs ?? DEFAULT_PUSH_INTERVAL_MS;
    this.#ignore = new Set(options.ignoreIds ?? []);
  }

  /** Starts browsing; resolves once the sources listen. Never rejects. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const start = this.#options.start ?? startDiscovery;
    let discovery: Discovery;
    try {
      discovery = await start({
        ...this.#options.discovery,
        ignoreIds: [...this.#ignore],
        logger: this.#logger,
        ...(this.#options.clock ? { clock: this.#options.clock } : {}),
      });
    } catch (error) {
      this.#logger.warn(`discovery: not browsing for hosts: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (this.#stopped) {
      await discovery.stop();
      return;
    }
    this.#discovery = discovery;
    discovery.on('change', () => this.#changed());
    if (discovery.hosts().length > 0) this.#changed();
  }

  /** Stops browsing and pushing. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#starting;
    const discovery = this.#discovery;
    this.#discovery = undefined;
    discovery?.removeAllListeners('change');
    await discovery?.stop();
  }

  /** Push the list again now (after pins changed, say). */
  refresh(): void {
    this.#changed();
  }

  /** Leaves the host with this id out from now on (this app's own host, once it is known). */
  ignore(id: string): void {
    if (this.#ignore.has(id)) return;
    this.#ignore.add(id);
    this.#changed();
  }

  /** Every host heard now, by name, in the contract's shape. */
  hosts(): DiscoveredHostInfo[] {
    const heard = this.#discovery?.hosts() ?? [];
    return heard
      .filter((h) => !this.#ignore.has(h.id))
      .map((h) => toDiscoveredHostInfo(h, this.#options.isPinned?.(h) ?? false))
      .filter((h): h is DiscoveredHostInfo => h !== null);
  }

  /** Calls `listener` with the list after changes (throttled); returns the function that stops it. */
  onChange(listener: (hosts: DiscoveredHostInfo[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    if (this.#stopped || this.#timer) return;
    const wait = this.#lastPush + this.#pushIntervalMs - performance.now();
    if (wait <= 0) this.#push();
    else
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#push();
      }, wait).unref();
  }

  #push(): void {
    if (this.#stopped) return;
    const hosts = this.hosts();
    const text = JSON.stringify(hosts);
    if (text === this.#lastSent) return;
    this.#lastSent = text;
    this.#lastPush = performance.now();
    for (const listener of this.#listeners) {
      try {
        listener(structuredClone(hosts));
      } catch (error) {
        this.#logger.error(`discovered hosts listener failed: ${String(error)}`);
      }
    }
  }
}
