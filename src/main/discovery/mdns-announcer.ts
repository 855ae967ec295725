import type { Bonjour, Service } from 'bonjour-service';
import { silentLogger, type Logger } from '../logger.ts';
import { encodeTxt, SERVICE_PROTOCOL, SERVICE_TYPE, truncateUtf8, type Advert } from './advert.ts';
import { createBonjour, destroyBonjour } from './bonjour.ts';
import type { AnnounceTarget } from './interfaces.ts';

export interface MdnsAnnouncerOptions {
  /** The adapters to announce on: one mDNS responder each, answering with that adapter's addresses only. */
  targets: AnnounceTarget[];
  logger?: Logger;
  /** Tests may pass their own; default: one Bonjour bound to the adapter's address. */
  createBonjour?: (address: string | null, onError: (error: Error) => void) => Bonjour;
}

interface Responder {
  target: AnnounceTarget;
  bonjour: Bonjour;
  service: Service | undefined;
}

/** The DNS-SD instance name: the host's name plus a piece of its id, so two hosts named alike don't collide. */
export function instanceName(advert: Advert): string {
  return `${truncateUtf8(advert.name, 40)} ${advert.id.slice(0, 8)}`;
}

/**
 * Announces a host as `_tincan._tcp` over mDNS (bonjour-service, pure JavaScript) on chosen adapters.
 * The SRV target is `tincan-<id>.local`, so Tincan's A records never clash with the OS's own
 * responder for this machine's name. Stopping sends a goodbye (TTL 0), so browsers drop the host at once.
 */
export class MdnsAnnouncer {
  readonly #options: MdnsAnnouncerOptions;
  readonly #logger: Logger;
  #responders: Responder[] = [];
  #advert: Advert | undefined;
  #txtKey = '';

  constructor(options: MdnsAnnouncerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Start answering and announcing. Announcements begin after the RFC 6762 probe (about a second). */
  start(advert: Advert): void {
    if (this.#responders.length > 0) throw new Error('already started');
    const make = this.#options.createBonjour ?? createBonjour;
    for (const target of this.#options.targets) {
      const bonjour = make(target.address, (error) =>
        this.#logger.warn(`mDNS on ${target.name} (${target.address}): ${error.message}`),
      );
      this.#responders.push({ target, bonjour, service: undefined });
    }
    this.#publishAll(advert);
  }

  /** Announce changed rooms or name: the old record says goodbye, the new one is probed and announced. */
  async update(advert: Advert): Promise<void> {
    if (JSON.stringify(encodeTxt(advert)) === this.#txtKey && advert.port === this.#advert?.port) return;
    await Promise.all(this.#responders.map((r) => stopService(r.service)));
    this.#publishAll(advert);
  }

  /** Say goodbye on every adapter and close the sockets. */
  async stop(): Promise<void> {
    const responders = this.#responders;
    this.#responders = [];
    await Promise.all(
      responders.map(async (r) => {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          r.bonjour.unpublishAll(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        await destroyBonjour(r.bonjour);
      }),
    );
  }

  #publishAll(advert: Advert): void {
    this.#advert = advert;
    const txt = encodeTxt(advert);
    this.#txtKey = JSON.stringify(txt);
    for (const r of this.#responders) {
      const service = r.bonjour.publish({
        name: instanceName(advert),
        type: SERVICE_TYPE,
        protocol: SERVICE_PROTOCOL,
        port: advert.port,
        host: `tincan-${advert.id}.local`,
        txt,
        probe: true,
      });
      // bonjour-service puts every non-internal address of the machine in A/AAAA records. Keep the
      // chosen adapter's only: no docker or VPN addresses for others to try. It builds the records
      // when the probe has finished (≥ 250 ms from now), so this override is in place by then.
      const allowed = new Set(r.target.addresses.map((a) => a.toLowerCase()));
      const records = service.records.bind(service);
      service.records = () =>
        records().filter(
          (record) => (record.type !== 'A' && record.type !== 'AAAA') || allowed.has(String(record.data).toLowerCase()),
        );
      r.service = service;
    }
  }
}

function stopService(service: Service | undefined): Promise<void> {
  if (!service) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    service.stop(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
