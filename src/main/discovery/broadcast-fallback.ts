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

export interface BeaconStats {
  /** Valid beacons received. */
  received: number;
  /** Datagrams refused: too large, not JSON, not a beacon, invalid fields. */
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
      if (!decoded.ok) {
        this.stats.invalid++;
        this.stats.lastInvalid = { from: rinfo.address, reason: decoded.reason };
        return;
      }
      this.stats.received++;
      const b = decoded.beacon;
      if (b.bye) return report.gone({ via: 'broadcast', id: b.id });
      const seenOn = locate(rinfo.address);
      report.seen({
        via: 'broadcast',
        advert: advertOfBeacon(b),
        addresses: usableAddresses([rinfo.address, ...b.addrs]),
        ttlMs: b.every * MISSED_BEACONS + b.every / 2,
        mdns: b.mdns,
        ...(seenOn ? { interface: seenOn } : {}),
      });
    });
    await bindSocket(socket, this.#options.port ?? BEACON_PORT, this.#options.bind ?? '0.0.0.0');
    this.#socket = socket;
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
