import { EventEmitter } from 'node:events';
import { silentLogger, type Logger } from '../logger.ts';
import type { Advert } from './advert.ts';
import { BeaconListener } from './broadcast-fallback.ts';
import { chooseInterfaces, rankInterfaces } from './interfaces.ts';
import { MdnsBrowser } from './mdns-browser.ts';
import type { DiscoverySource, Goodbye, Sighting, SourceReport, Via } from './source.ts';

const VIA_ORDER: readonly Via[] = ['mdns', 'broadcast'];

/** A host on the LAN, merged from everything that heard it. */
export interface DiscoveredHost {
  /** The host's stable id (HostServer.identity.id): the hash of its public key, whatever an advert claimed. */
  id: string;
  /** SHA-256 of its certificate, to pin when joining: from a signed beacon when one is heard. */
  fingerprint: string;
  /** Its port speaks TLS. */
  tls: boolean;
  /**
   * A current hearing is a beacon signed by the key this id is the hash of. False when it is heard only
   * over mDNS (unsigned) or claimed another host's id (then `claimedId` says whose).
   */
  verified: boolean;
  /** The id its adverts claimed, when that is not its key's: it poses as that host. */
  claimedId?: string;
  name: string;
  /** Addresses to try, best first (the address its packets came from leads). */
  addresses: string[];
  port: number;
  rooms: string[];
  /** True when the host has more rooms than fit in its announcement; ask its /api/rooms for all. */
  roomsTruncated: boolean;
  protocol: number;
  /** Which sources currently hear it. */
  via: Via[];
  /** Local adapters it was heard on. */
  interfaces: string[];
  /** Whether the host says it announces over mDNS (known from its beacon). */
  announcesMdns: boolean | undefined;
  /** clock() of the latest hearing. */
  lastSeen: number;
}

export interface DiscoveryChange {
  hosts: DiscoveredHost[];
  added: DiscoveredHost[];
  updated: DiscoveredHost[];
  removed: DiscoveredHost[];
}

export interface DiscoveryOptions {
  sources: DiscoverySource[];
  clock?: () => number;
  logger?: Logger;
  /** How often expired hearings are dropped. Default 500 ms. */
  sweepIntervalMs?: number;
  /** Hosts to leave out (this app's own host, say). */
  ignoreIds?: readonly string[];
  /** Cap on hosts tracked, against a flood of forged beacons. Default 256. */
  maxHosts?: number;
}

interface Hearing {
  sighting: Sighting;
  lastSeen: number;
  expiresAt: number;
}

interface Tracked {
  /** By source and local adapter (`mdns|eth0`): a host heard on two adapters is two hearings. */
  hearings: Map<string, Hearing>;
  merged: DiscoveredHost;
}

const keyOf = (s: Sighting) => `${s.via}|${s.interface ?? ''}`;

type Events = { change: [DiscoveryChange] };

/** What one host looks like once every source's hearing of it is merged. */
function merge(id: string, hearings: Map<string, Hearing>): DiscoveredHost {
  // Stable order (mDNS first, then by adapter), so a host heard again does not reorder its addresses.
  const list = [...hearings.entries()]
    .sort(
      ([ka, a], [kb, b]) =>
        VIA_ORDER.indexOf(a.sighting.via) - VIA_ORDER.indexOf(b.sighting.via) || ka.localeCompare(kb),
    )
    .map(([, h]) => h);
  const latest = list.reduce((a, b) => (b.lastSeen > a.lastSeen ? b : a));
  const advert: Advert = latest.sighting.advert;
  // What a signed beacon says about the certificate outranks what an unsigned mDNS answer says.
  const vouched = list.filter((h) => h.sighting.verified).at(-1) ?? latest;
  const claimedId = list.map((h) => h.sighting.advert.claimedId).find((c) => c !== undefined);
  // A host whose signed beacon is heard is reached where it signed it is: an unsigned mDNS answer
  // repeating its TXT record from elsewhere adds no address.
  const reachable = list.some((h) => h.sighting.verified) ? list.filter((h) => h.sighting.verified) : list;
  const beacon = list.filter((h) => h.sighting.via === 'broadcast').at(-1);
  const heardOverMdns = list.some((h) => h.sighting.via === 'mdns');
  return {
    id,
    fingerprint: vouched.sighting.advert.fingerprint,
    tls: vouched.sighting.advert.tls,
    verified: vouched.sighting.verified,
    ...(claimedId === undefined ? {} : { claimedId }),
    name: advert.name,
    addresses: [...new Set(reachable.flatMap((h) => h.sighting.addresses))],
    port: advert.port,
    rooms: advert.rooms,
    roomsTruncated: advert.roomsTruncated,
    protocol: advert.protocol,
    via: VIA_ORDER.filter((via) => list.some((h) => h.sighting.via === via)),
    interfaces: [...new Set(list.flatMap((h) => (h.sighting.interface ? [h.sighting.interface] : [])))],
    announcesMdns: heardOverMdns ? true : beacon?.sighting.mdns,
    lastSeen: latest.lastSeen,
  };
}

const sameExceptTime = (a: DiscoveredHost, b: DiscoveredHost) =>
  JSON.stringify({ ...a, lastSeen: 0 }) === JSON.stringify({ ...b, lastSeen: 0 });

/**
 * The list of Tincan hosts on the LAN, merged from mDNS and the broadcast beacon. Emits `change`
 * when a host appears, changes (name, rooms, addresses, sources) or goes: on a goodbye at once, else
 * when no source has heard it for its TTL (about three refresh intervals).
 */
export class Discovery extends EventEmitter<Events> {
  readonly #sources: DiscoverySource[];
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #sweepIntervalMs: number;
  readonly #ignore: Set<string>;
  readonly #maxHosts: number;
  readonly #hosts = new Map<string, Tracked>();
  readonly #heard: Record<Via, { count: number; last: number | undefined }> = {
    mdns: { count: 0, last: undefined },
    broadcast: { count: 0, last: undefined },
  };
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: DiscoveryOptions) {
    super();
    this.#sources = options.sources;
    this.#clock = options.clock ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 500;
    this.#ignore = new Set(options.ignoreIds ?? []);
    this.#maxHosts = options.maxHosts ?? 256;
  }

  /** Start every source. A source that fails to start is logged and left out; the others run. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const report: SourceReport = { seen: (s) => this.see(s), gone: (g) => this.goodbye(g) };
    const results = await Promise.allSettled(this.#sources.map((s) => s.start(report)));
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        this.#logger.warn(`discovery via ${this.#sources[i]!.via} is off: ${String(r.reason)}`);
    });
    this.#timer = setInterval(() => this.sweep(), this.#sweepIntervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    clearInterval(this.#timer);
    await Promise.allSettled(this.#sources.map((s) => s.stop()));
  }

  /** Every host heard, by name. */
  hosts(): DiscoveredHost[] {
    return [...this.#hosts.values()]
      .map((t) => t.merged)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  host(id: string): DiscoveredHost | undefined {
    return this.#hosts.get(id)?.merged;
  }

  /** How many hearings each source has reported, and when the last one was (for diagnostics). */
  heard(): Record<Via, { count: number; last: number | undefined }> {
    return { mdns: { ...this.#heard.mdns }, broadcast: { ...this.#heard.broadcast } };
  }

  /** A source heard a host. Public so tests (and other sources) can feed hearings directly. */
  see(sighting: Sighting): void {
    const id = sighting.advert.id;
    if (this.#ignore.has(id)) return;
    const now = this.#clock();
    const counter = this.#heard[sighting.via];
    counter.count++;
    counter.last = now;
    let tracked = this.#hosts.get(id);
    if (!tracked && this.#hosts.size >= this.#maxHosts) {
      this.#logger.warn(`discovery: ignoring host ${id}: already tracking ${this.#maxHosts} hosts`);
      return;
    }
    const hearing = { sighting, lastSeen: now, expiresAt: now + sighting.ttlMs };
    if (!tracked) {
      const hearings = new Map([[keyOf(sighting), hearing]]);
      tracked = { hearings, merged: merge(id, hearings) };
      this.#hosts.set(id, tracked);
      this.#emit({ added: [tracked.merged] });
      return;
    }
    tracked.hearings.set(keyOf(sighting), hearing);
    this.#remerge(id, tracked);
  }

  /**
   * A source heard a goodbye: that source no longer vouches for the host. A beacon goodbye is signed
   * (broadcast-fallback.ts checks it), so only the host itself can end its broadcast hearings; an mDNS
   * goodbye is not, so it ends only the mDNS ones and a host whose beacons are heard stays listed.
   */
  goodbye({ via, id }: Goodbye): void {
    const tracked = this.#hosts.get(id);
    if (!tracked) return;
    const keys = [...tracked.hearings.keys()].filter((k) => k.startsWith(`${via}|`));
    if (keys.length === 0) return;
    for (const k of keys) tracked.hearings.delete(k);
    this.#remerge(id, tracked);
  }

  /** Drop hearings past their TTL, and hosts nobody hears any more. */
  sweep(): void {
    const now = this.#clock();
    for (const [id, tracked] of [...this.#hosts]) {
      let changed = false;
      for (const [key, h] of [...tracked.hearings]) {
        if (h.expiresAt <= now) {
          tracked.hearings.delete(key);
          changed = true;
        }
      }
      if (changed) this.#remerge(id, tracked);
    }
  }

  #remerge(id: string, tracked: Tracked): void {
    if (tracked.hearings.size === 0) {
      this.#hosts.delete(id);
      this.#emit({ removed: [tracked.merged] });
      return;
    }
    const before = tracked.merged;
    tracked.merged = merge(id, tracked.hearings);
    if (!sameExceptTime(before, tracked.merged)) this.#emit({ updated: [tracked.merged] });
  }

  #emit(change: Partial<Omit<DiscoveryChange, 'hosts'>>): void {
    this.emit('change', {
      hosts: this.hosts(),
      added: change.added ?? [],
      updated: change.updated ?? [],
      removed: change.removed ?? [],
    });
  }
}

export interface CreateDiscoveryOptions {
  /** Adapters (by name) to browse on; default: the recommended ones (see rankInterfaces). */
  interfaces?: readonly string[];
  /** Browse mDNS. Default true. */
  mdns?: boolean;
  /** Listen for broadcast beacons. Default true. */
  broadcast?: boolean;
  beaconPort?: number;
  mdnsQueryIntervalMs?: number;
  ignoreIds?: readonly string[];
  clock?: () => number;
  logger?: Logger;
}

/** A Discovery with the real sources (mDNS browser and beacon listener), started. */
export async function startDiscovery(options: CreateDiscoveryOptions = {}): Promise<Discovery> {
  const logger = options.logger ?? silentLogger;
  const sources: DiscoverySource[] = [];
  if (options.mdns !== false) {
    const names = options.interfaces ?? [];
    // Named adapters are checked now (a typo throws); the default set is re-read every round.
    const pick = () => chooseInterfaces(rankInterfaces(), names).map((t) => ({ name: t.name, address: t.address }));
    const fixed = names.length > 0 ? pick() : undefined;
    sources.push(
      new MdnsBrowser({
        interfaces: fixed ?? pick,
        logger,
        ...(options.mdnsQueryIntervalMs ? { queryIntervalMs: options.mdnsQueryIntervalMs } : {}),
      }),
    );
  }
  if (options.broadcast !== false) {
    sources.push(new BeaconListener({ logger, ...(options.beaconPort ? { port: options.beaconPort } : {}) }));
  }
  const discovery = new Discovery({
    sources,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ignoreIds ? { ignoreIds: options.ignoreIds } : {}),
  });
  await discovery.start();
  return discovery;
}
