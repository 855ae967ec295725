import { createSocket, type Socket } from 'node:dgram';
import { silentLogger, type Logger } from '../logger.ts';
import {
  advertOfBeacon,
  BEACON_INTERVAL_MS,
  BEACON_PORT,
  decodeBeacon,
  encodeBeacon,
  MISSED_BEACONS,
  type Advert,
  type Beacon,
} from './advert.ts';
import { subnetLocator, type AnnounceTarget } from './interfaces.ts';
import { usableAddresses, type DiscoverySource, type SourceReport } from './source.ts';

export interface BeaconSenderOptions {
  /** Adapters to send on: each gets the beacon at its subnet's broadcast address. */
  targets: AnnounceTarget[];
  /** Called before every beacon, so rooms created since are included. */
  advert: () => Advert;
  /** Whether the host also announces over mDNS (carried in the beacon for diagnostics). */
  mdns: boolean;
  /** The host's private key (PEM), the pair of the advert's `key`: every beacon is signed with it. */
  privateKey: string;
  /** Current time in ms, for the beacons' timestamps. Default `Date.now`. */
  clock?: () => number;
  port?: number;
  intervalMs?: number;
  logger?: Logger;
}

interface Sender {
  target: AnnounceTarget & { broadcast: string };
  socket: Socket;
}

function bindSocket(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * The fallback for networks that filter multicast: a small JSON datagram to each chosen adapter's
 * subnet broadcast address (UDP BEACON_PORT) every `intervalMs`, and one with `bye` when stopping.
 */
export class BeaconSender {
  readonly #options: BeaconSenderOptions;
  readonly #logger: Logger;
  readonly #port: number;
  readonly #intervalMs: number;
  #senders: Sender[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The last beacon's timestamp: the next one is later even if the clock stands still or steps back. */
  #lastTs = 0;

  constructor(options: BeaconSenderOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#port = options.port ?? BEACON_PORT;
    this.#intervalMs = options.intervalMs ?? BEACON_INTERVAL_MS;
  }

  /** Open one socket per adapter (bound to its address, so the source address is right) and send the first beacon. */
  async start(): Promise<void> {
    for (const target of this.#options.targets) {
      if (!target.broadcast) {
        this.#logger.warn(`beacon: ${target.name} is a point-to-point link without a broadcast address; skipped`);
        continue;
      }
      const socket = createSocket({ type: 'udp4' });
      socket.on('error', (error) => this.#logger.warn(`beacon on ${target.name}: ${error.message}`));
      try {
        await bindSocket(socket, 0, target.address);
        socket.setBroadcast(true);
      } catch (error) {
        this.#logger.warn(`beacon: cannot send on ${target.name} (${target.address}): ${(error as Error).message}`);
        await closeSocket(socket);
        continue;
      }
      this.#senders.push({ target: { ...target, broadcast: target.broadcast }, socket });
    }
    this.sendNow();
    this.#timer = setInterval(() => this.sendNow(), this.#intervalMs);
    this.#timer.unref();
  }

  /** The adapters beacons actually go out on. */
  get sending(): string[] {
    return this.#senders.map((s) => s.target.name);
  }

  sendNow(bye = false): Promise<void> {
    const advert = this.#options.advert();
    const ts = (this.#lastTs = Math.max((this.#options.clock ?? Date.now)(), this.#lastTs + 1));
    return Promise.all(
      this.#senders.map(
        ({ target, socket }) =>
          new Promise<void>((resolve) => {
            const data = encodeBeacon({
              advert,
              addresses: target.addresses,
              everyMs: this.#intervalMs,
              mdns: this.#options.mdns,
              bye,
              privateKey: this.#options.privateKey,
              ts,
            });
            socket.send(data, this.#port, target.broadcast, (error) => {
              if (error) this.#logger.warn(`beacon to ${target.broadcast}: ${error.message}`);
              resolve();
            });
          }),
      ),
    ).then(() => undefined);
  }

  /** Send the goodbye beacon and close. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#senders.length === 0) return;
    await this.sendNow(true);
    await Promise.all(this.#senders.map((s) => closeSocket(s.socket)));
    this.#senders = [];
  }
}

export interface BeaconListenerOptions {
  port?: number;
  /** Address to bind. Default 0.0.0.0 (broadcasts arrive only on a wildcard-bound socket). */
  bind?: string;
  logger?: Logger;
  /** The local adapter a source address belongs to (default: by subnet, from the OS's adapters). */
  locate?: (address: string) => string | undefined;
}

/** Hosts whose last beacon timestamp a listener remembers (against replays); the oldest is forgotten first. */
export const MAX_REMEMBERED_HOSTS = 1024;

export interface BeaconStats {
  /** Valid beacons received. */
  received: number;
  /** Datagrams refused: too large, not JSON, not a beacon, invalid fields, a bad signature, a replay. */
  invalid: number;
  lastInvalid: { from: string; reason: string } | undefined;
}

/** Listens for beacons on UDP BEACON_PORT; every datagram is size-checked and validated before use. */
export class BeaconListener implements DiscoverySource {
  readonly via = 'broadcast' as const;
  readonly stats: BeaconStats = { received: 0, invalid: 0, lastInvalid: undefined };
  readonly #options: BeaconListenerOptions;
  readonly #logger: Logger;
  #socket: Socket | undefined;
  /** By host id: the timestamp of its last beacon accepted. A beacon not later than that is a replay. */
  readonly #lastTs = new Map<string, number>();

  constructor(options: BeaconListenerOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  async start(report: SourceReport): Promise<void> {
    if (this.#socket) throw new Error('already started');
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    const locate = this.#options.locate ?? subnetLocator();
    socket.on('error', (error) => this.#logger.warn(`beacon listener: ${error.message}`));
    socket.on('message', (data, rinfo) => {
      const decoded = decodeBeacon(data);
      const advert = decoded.ok ? advertOfBeacon(decoded.beacon) : undefined;
      const refusal = decoded.ok ? this.#replayed(advert!.id, decoded.beacon.ts) : decoded.reason;
      if (refusal) {
        this.stats.invalid++;
        this.stats.lastInvalid = { from: rinfo.address, reason: refusal };
        return;
      }
      this.stats.received++;
      const b = (decoded as { beacon: Beacon }).beacon;
      // Signed by the id's own key, so it can only ever remove the host that sent it.
      if (b.bye) return report.gone({ via: 'broadcast', id: advert!.id });
      const seenOn = locate(rinfo.address);
      report.seen({
        via: 'broadcast',
        advert: advert!,
        addresses: beaconAddresses(rinfo.address, b.addrs),
        ttlMs: b.every * MISSED_BEACONS + b.every / 2,
        mdns: b.mdns,
        verified: advert!.claimedId === undefined,
        ...(seenOn ? { interface: seenOn } : {}),
      });
    });
    await bindSocket(socket, this.#options.port ?? BEACON_PORT, this.#options.bind ?? '0.0.0.0');
    this.#socket = socket;
  }

  /** Why a beacon of `id` stamped `ts` is refused as a replay, or undefined when it is newer than the last. */
  #replayed(id: string, ts: number): string | undefined {
    const last = this.#lastTs.get(id);
    if (last !== undefined && ts <= last) return `replayed: not newer than host ${id}'s last beacon`;
    this.#lastTs.delete(id); // re-inserted last: the map's order is least recently heard first
    this.#lastTs.set(id, ts);
    if (this.#lastTs.size > MAX_REMEMBERED_HOSTS) this.#lastTs.delete(this.#lastTs.keys().next().value!);
    return undefined;
  }

  /** The bound port (useful with port 0 in tests). */
  get port(): number | undefined {
    return this.#socket?.address().port;
  }

  async stop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) await closeSocket(socket);
  }
}

/**
 * Where to reach a beacon's host: the addresses it signed, the datagram's source first when it is one
 * of them. A source address outside the signed list (someone re-sending the host's beacon) is not used.
 */
function beaconAddresses(source: string, signed: readonly string[]): string[] {
  const bare = usableAddresses([source])[0];
  if (signed.length === 0) return usableAddresses([source]);
  return usableAddresses(bare !== undefined && signed.includes(bare) ? [bare, ...signed] : signed);
}
