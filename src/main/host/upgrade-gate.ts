import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ipv6Prefix, peerAddress } from './address-group.ts';
import { isAllowedHost, isAllowedOrigin } from './request-guard.ts';

/** The peer a request comes from, as address-group.ts counts it (`::ffff:10.0.0.2` is `10.0.0.2`). */
export function remoteAddressOf(req: IncomingMessage): string {
  return peerAddress(req.socket.remoteAddress ?? 'unknown');
}

/** Answer a refused upgrade with a plain HTTP status, then hang up. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => {});
  if (!socket.writable) return void socket.destroy();
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The WebSocket endpoints: the protocol, and an echo of whatever a client sends. */
export type Endpoint = '/ws' | '/echo';

export interface GateLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  crowdedConnections: number;
  maxConnectionsPerPrefix: number;
  maxConnectionsPerAddressCrowded: number;
}

export interface GateRules {
  machineName: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  /** Why an address may not connect (a ban), or null: refused with 403 before any WebSocket exists. */
  refuseAddress?: (address: string) => string | null;
}

/**
 * Decides, before any WebSocket exists, whether an upgrade may go on: right path, a local Host
 * (no DNS rebinding), an allowed Origin (no cross-site hijacking), and room under the connection
 * caps. Counts every admitted socket until it closes, handshake included.
 */
export class UpgradeGate {
  readonly #limits: GateLimits;
  readonly #rules: GateRules;
  readonly #perAddress = new Map<string, number>();
  readonly #perPrefix = new Map<string, number>();
  /** One listener for every socket's close: no closure per connection. */
  readonly #release: (this: Duplex) => void;
  #total = 0;

  constructor(limits: GateLimits, rules: GateRules) {
    this.#limits = limits;
    this.#rules = rules;
    const released = (address: string) => this.#released(address);
    this.#release = function (this: Duplex) {
      // Node caches a socket's peer address once read (admit read it), so it is still there at close.
      released(peerAddress((this as Socket).remoteAddress ?? 'unknown'));
    };
  }

  get total(): number {
    return this.#total;
  }

  /**
   * Returns the refusal as [status, reason], or the endpoint (`/ws` or `/echo`) after counting the
   * socket in.
   */
  admit(req: IncomingMessage, socket: Duplex): [number, string] | Endpoint {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws' && path !== '/echo') return [404, 'WebSocket endpoints are /ws and /echo'];
    if (!isAllowedHost(req.headers.host, this.#rules.machineName, this.#rules.allowedHosts)) {
      return [421, 'Host header names no local address'];
    }
    if (!isAllowedOrigin(req.headers.origin, req.headers.host, this.#rules.allowedOrigins)) {
      return [403, 'Origin not allowed'];
    }
    const address = remoteAddressOf(req);
    const banned = this.#rules.refuseAddress?.(address);
    if (banned) return [403, banned];
    const limits = this.#limits;
    if (this.#total >= limits.maxConnections) return [503, 'Host is at its connection limit'];
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (fromAddress >= limits.maxConnectionsPerAddress) return [429, 'Too many connections from this address'];
    const prefix = ipv6Prefix(address);
    const fromPrefix = prefix === null ? 0 : (this.#perPrefix.get(prefix) ?? 0);
    if (fromPrefix >= limits.maxConnectionsPerPrefix) return [429, 'Too many connections from this IPv6 /64'];
    // A crowded host keeps its last places for addresses that hold few connections (newcomers,
    // members coming back), so a few addresses cannot take every place.
    if (this.#total >= limits.crowdedConnections && fromAddress >= limits.maxConnectionsPerAddressCrowded) {
      return [429, 'The host is crowded: too many connections from this address'];
    }
    this.#total++;
    this.#perAddress.set(address, fromAddress + 1);
    if (prefix !== null) this.#perPrefix.set(prefix, fromPrefix + 1);
    socket.on('close', this.#release);
    return path;
  }

  #released(address: string): void {
    this.#total--;
    countDown(this.#perAddress, address);
    const prefix = ipv6Prefix(address);
    if (prefix !== null) countDown(this.#perPrefix, prefix);
  }
}

function countDown(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
