import type { Advert } from './advert.ts';

/** How a host was heard: DNS-SD over mDNS, or the UDP broadcast beacon. */
export type Via = 'mdns' | 'broadcast';

/** One hearing of a host by one source. */
export interface Sighting {
  via: Via;
  advert: Advert;
  /** Addresses to reach the host, best first: the packet's source address, then what the host advertised. */
  addresses: string[];
  /** How long this hearing counts without another (the source's refresh interval × a few). */
  ttlMs: number;
  /** The local adapter it was heard on, when known. */
  interface?: string;
  /** The host says it also announces over mDNS (beacons carry this). */
  mdns?: boolean;
  /**
   * The advert was signed by the key its id is the hash of (a beacon): it comes from that host. An mDNS
   * hearing is not signed; who answers at its addresses is proven at connect time (the TLS pin).
   */
  verified: boolean;
}

/** A host said goodbye (mDNS TTL 0, or a signed beacon with `bye`). */
export interface Goodbye {
  via: Via;
  id: string;
}

export interface SourceReport {
  seen(sighting: Sighting): void;
  gone(goodbye: Goodbye): void;
}

/** Something that hears hosts: the mDNS browser or the beacon listener (or a fake in tests). */
export interface DiscoverySource {
  readonly via: Via;
  start(report: SourceReport): Promise<void>;
  stop(): Promise<void>;
}

/** Addresses without duplicates and without IPv6 link-local ones (unusable in a URL without a zone). */
export function usableAddresses(addresses: readonly (string | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const a of addresses) {
    if (!a) continue;
    const bare = a.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
    if (/^fe[89ab]/i.test(bare) || bare.includes('%')) continue;
    seen.add(bare);
  }
  return [...seen];
}
