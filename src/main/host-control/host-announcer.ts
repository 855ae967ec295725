import {
  BEACON_INTERVAL_MS,
  chooseInterfaces,
  rankInterfaces,
  startDiscoveryForHost,
  type DiscoverableHost,
  type HostDiscovery,
  type HostDiscoveryOptions,
  type LanInterface,
} from '../discovery/index.ts';
import type { Logger } from '../logger.ts';

/** What the host is announced on now. */
export interface AnnounceState {
  /** The adapters announced on, by name; empty when nothing is announced (see `note`). */
  interfaces: string[];
  /** Why nothing (or less than asked) is announced, in plain words. */
  note?: string;
}

export interface HostAnnouncerOptions {
  /** Adapters to announce on, by name (the `announceInterfaces` setting); empty means the recommended ones. */
  interfaces: readonly string[];
  logger: Logger;
  /** The machine's adapters now. Default `rankInterfaces`. */
  ranked?: () => LanInterface[];
  /** Default `startDiscoveryForHost`; tests pass a stand-in. */
  start?: (host: DiscoverableHost, options: HostDiscoveryOptions) => Promise<HostDiscovery>;
  /** How often named adapters are checked for coming, going or changing address (ms). Default 2 s. */
  checkIntervalMs?: number;
}

const OFF: AnnounceState = { interfaces: [] };

/** The named adapters that can be announced on now (present, with an IPv4 address), and their addresses. */
export function usableInterfaces(
  ranked: LanInterface[],
  names: readonly string[],
): { names: string[]; missing: string[]; key: string } {
  const found: string[] = [];
  const missing: string[] = [];
  const keys: string[][] = [];
  for (const name of names) {
    try {
      const [target] = chooseInterfaces(ranked, [name]);
      if (!target) throw new Error('no target');
      found.push(name);
      keys.push([target.name, target.address, target.broadcast ?? '']);
    } catch {
      missing.push(name);
    }
  }
  return { names: found, missing, key: JSON.stringify(keys) };
}

/**
 * Announces a running host on the LAN (mDNS and the broadcast beacon, through `startDiscoveryForHost`)
 * on the adapters of the `announceInterfaces` setting, and keeps doing so as things change:
 *
 * - with no adapters named, `startDiscoveryForHost` picks the recommended ones and follows them itself;
 * - named adapters that are absent or have no IPv4 address are left out (with a note) instead of failing,
 *   and every `checkIntervalMs` the named ones are checked again: one that comes up, goes away or gets
 *   another address restarts the announcement;
 * - `setInterfaces` restarts it on other adapters, `refresh` re-announces the rooms now.
 *
 * Announcing never fails the host: trouble is logged and shows in {@link state}. Every change runs in
 * one queue, so a restart never overlaps a refresh or a stop. Plain Node.
 */
export class HostAnnouncer {
  readonly #host: DiscoverableHost;
  readonly #logger: Logger;
  readonly #ranked: () => LanInterface[];
  readonly #start: (host: DiscoverableHost, options: HostDiscoveryOptions) => Promise<HostDiscovery>;
  readonly #checkIntervalMs: number;
  #names: string[];
  /** Named adapters left out of the running announcement. */
  #missing: string[] = [];
  #discovery: HostDiscovery | undefined;
  #state: AnnounceState = OFF;
  /** The usable named adapters and their addresses when the announcement started. */
  #key = '';
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(host: DiscoverableHost, options: HostAnnouncerOptions) {
    this.#host = host;
    this.#logger = options.logger;
    this.#ranked = options.ranked ?? (() => rankInterfaces());
    this.#start = options.start ?? startDiscoveryForHost;
    this.#checkIntervalMs = options.checkIntervalMs ?? BEACON_INTERVAL_MS;
    this.#names = [...options.interfaces];
  }

  /** What is announced now (a copy; with the recommended adapters, they follow the machine's). */
  get state(): AnnounceState {
    const discovery = this.#discovery;
    if (!discovery) return { ...this.#state, interfaces: [...this.#state.interfaces] };
    const left = this.#missing.length > 0 ? `${this.#missing.join(', ')} not connected` : undefined;
    const note = [discovery.note, left].filter(Boolean).join('; ');
    return { interfaces: discovery.targets.map((t) => t.name), ...(note ? { note } : {}) };
  }

  /** Starts announcing (after the host listens). Resolves once the first announcement is out. */
  start(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#running) return;
      this.#running = true;
      await this.#open();
      this.#timer = setInterval(() => this.#check(), this.#checkIntervalMs).unref();
    });
  }

  /** Announces on other adapters from now on (empty: the recommended ones). */
  setInterfaces(names: readonly string[]): Promise<void> {
    return this.#enqueue(async () => {
      const same = names.length === this.#names.length && names.every((n, i) => n === this.#names[i]);
      this.#names = [...names];
      if (!this.#running || same) return;
      await this.#close();
      await this.#open();
    });
  }

  /** Re-reads the host's name and rooms and announces changes now (rooms created, say). */
  refresh(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#discovery?.refresh();
    });
  }

  /** Says goodbye on every adapter and closes the sockets; call before the host closes. */
  stop(): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.#running) return;
      this.#running = false;
      clearInterval(this.#timer);
      await this.#close();
    });
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work).catch((error: unknown) => {
      this.#logger.warn(`discovery: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.#queue = run;
    return run;
  }

  /** Named adapters that came, went or changed address since the announcement started: start again. */
  #check(): void {
    if (this.#names.length === 0) return;
    let key: string;
    try {
      key = usableInterfaces(this.#ranked(), this.#names).key;
    } catch {
      return;
    }
    if (key === this.#key) return;
    void this.#enqueue(async () => {
      if (!this.#running) return;
      await this.#close();
      await this.#open();
    });
  }

  async #open(): Promise<void> {
    let interfaces: string[] = [];
    this.#missing = [];
    if (this.#names.length > 0) {
      const found = usableInterfaces(this.#ranked(), this.#names);
      ({ names: interfaces, missing: this.#missing } = found);
      this.#key = found.key;
      if (interfaces.length === 0) {
        this.#state = {
          interfaces: [],
          note: `none of the chosen adapters (${this.#names.join(', ')}) is connected with an IPv4 address`,
        };
        this.#logger.info(`discovery: not announcing: ${this.#state.note}`);
        return;
      }
    }
    try {
      this.#discovery = await this.#start(this.#host, { interfaces, logger: this.#logger });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#state = { interfaces: [], note: `discovery did not start: ${message}` };
      this.#logger.warn(`discovery did not start: ${message}`);
      return;
    }
    const { targets } = this.#discovery;
    const { note } = this.state;
    if (targets.length === 0) this.#logger.info(`discovery: not announcing: ${note}`);
    else {
      const where = targets.map((t) => `${t.name} (${t.address})`).join(', ');
      this.#logger.info(`discovery: announcing on ${where}${note ? ` (${note})` : ''}`);
    }
  }

  async #close(): Promise<void> {
    const discovery = this.#discovery;
    this.#discovery = undefined;
    this.#state = OFF;
    await discovery?.stop();
  }
}
