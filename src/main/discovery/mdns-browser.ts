import type { Bonjour, Browser, Service } from 'bonjour-service';
import { silentLogger, type Logger } from '../logger.ts';
import { decodeTxt, MISSED_BEACONS, SERVICE_PROTOCOL, SERVICE_TYPE } from './advert.ts';
import { createBonjour, destroyBonjour } from './bonjour.ts';
import { subnetLocator } from './interfaces.ts';
import { usableAddresses, type DiscoverySource, type SourceReport } from './source.ts';

/** How often the browser asks again; a host that stops answering is dropped after MISSED_BEACONS of these. */
export const MDNS_QUERY_INTERVAL_MS = 5000;

export interface BrowseTarget {
  name: string;
  address: string;
}

export interface MdnsBrowserOptions {
  /**
   * Adapters to browse on (name and IPv4 address), one mDNS socket each; none: one socket, the OS
   * picks where queries go. A function is asked again every round, so adapters that come up later
   * (Wi-Fi joining after start) are browsed too, and ones that went away are closed.
   */
  interfaces?: BrowseTarget[] | (() => BrowseTarget[]);
  queryIntervalMs?: number;
  logger?: Logger;
  /** The local adapter a source address belongs to (default: by subnet, from the OS's adapters). */
  locate?: (address: string) => string | undefined;
  createBonjour?: (address: string | null, onError: (error: Error) => void) => Bonjour;
}

interface Listener {
  key: string;
  name: string | undefined;
  bonjour: Bonjour;
  browser: Browser;
  refresh: Browser | undefined;
}

/**
 * Browses `_tincan._tcp` over mDNS. A long-lived browser hears announcements and goodbyes; every
 * `queryIntervalMs` a fresh browser asks again, and every answer refreshes the host, so a host that
 * vanished without a goodbye (crash, cable pulled) expires after a few unanswered rounds.
 */
export class MdnsBrowser implements DiscoverySource {
  readonly via = 'mdns' as const;
  readonly #options: MdnsBrowserOptions;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #listeners: Listener[] = [];
  #timer: NodeJS.Timeout | undefined;
  #report: SourceReport | undefined;
  readonly #locate: (address: string) => string | undefined;

  constructor(options: MdnsBrowserOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#intervalMs = options.queryIntervalMs ?? MDNS_QUERY_INTERVAL_MS;
    this.#locate = options.locate ?? subnetLocator();
  }

  async start(report: SourceReport): Promise<void> {
    if (this.#report) throw new Error('already started');
    this.#report = report;
    await this.#sync();
    this.#timer = setInterval(() => {
      void this.#sync().then(() => {
        for (const l of this.#listeners) {
          l.refresh?.stop();
          l.refresh = this.#browse(l.bonjour, report, l.name);
        }
      });
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** The adapters browsed on now. */
  get interfaces(): string[] {
    return this.#listeners.flatMap((l) => (l.name ? [l.name] : []));
  }

  /** Open a socket for each wanted adapter that has none, close those no longer wanted. */
  async #sync(): Promise<void> {
    const report = this.#report;
    if (!report) return;
    const option = this.#options.interfaces;
    const wanted: (BrowseTarget | undefined)[] =
      typeof option === 'function' ? option() : option?.length ? option : [undefined];
    const keyOf = (t: BrowseTarget | undefined) => (t ? `${t.name}|${t.address}` : '*');
    const keys = new Set(wanted.map(keyOf));
    const gone = this.#listeners.filter((l) => !keys.has(l.key));
    this.#listeners = this.#listeners.filter((l) => keys.has(l.key));
    await Promise.all(gone.map((l) => this.#close(l)));
    const make = this.#options.createBonjour ?? createBonjour;
    for (const target of wanted) {
      if (this.#listeners.some((l) => l.key === keyOf(target))) continue;
      const bonjour = make(target?.address ?? null, (error) =>
        this.#logger.warn(`mDNS browser${target ? ` on ${target.name}` : ''}: ${error.message}`),
      );
      const listener: Listener = {
        key: keyOf(target),
        name: target?.name,
        bonjour,
        browser: this.#browse(bonjour, report, target?.name),
        refresh: undefined,
      };
      listener.browser.on('down', (service: Service) => {
        const advert = decodeTxt(service.txt, service.port);
        if (advert) report.gone({ via: 'mdns', id: advert.id });
      });
      this.#listeners.push(listener);
    }
  }

  #close(l: Listener): Promise<void> {
    l.refresh?.stop();
    l.browser.stop();
    return destroyBonjour(l.bonjour);
  }

  #browse(bonjour: Bonjour, report: SourceReport, name: string | undefined): Browser {
    const browser = bonjour.find({ type: SERVICE_TYPE, protocol: SERVICE_PROTOCOL });
    const seen = (service: Service) => {
      const advert = decodeTxt(service.txt, service.port);
      if (!advert) {
        this.#logger.warn(`mDNS: ignoring ${service.fqdn}: its TXT record is not a Tincan host's`);
        return;
      }
      const addresses = usableAddresses([
        service.referer?.address,
        ...(service.addresses ?? []).filter((a) => !a.includes(':')),
        ...(service.addresses ?? []).filter((a) => a.includes(':')),
      ]);
      // Linux hands every mDNS socket the group's packets from all adapters; the sender's subnet says which.
      const from = service.referer?.address;
      const seenOn = (from && this.#locate(from)) || name;
      report.seen({
        via: 'mdns',
        advert,
        addresses,
        ttlMs: this.#intervalMs * MISSED_BEACONS + this.#intervalMs / 2,
        verified: false,
        ...(seenOn ? { interface: seenOn } : {}),
      });
    };
    browser.on('up', seen);
    browser.on('txt-update', seen);
    browser.on('srv-update', seen);
    return browser;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#report = undefined;
    const listeners = this.#listeners;
    this.#listeners = [];
    await Promise.all(listeners.map((l) => this.#close(l)));
  }
}
