import { PROTOCOL_VERSION, type RoomInfo } from '../../shared/protocol/index.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { fingerprintOf, publicKeyOf } from '../tls/index.ts';
import { BEACON_INTERVAL_MS, type Advert } from './advert.ts';
import { BeaconSender } from './broadcast-fallback.ts';
import { chooseInterfaces, interfaceOf, rankInterfaces, type AnnounceTarget, type LanInterface } from './interfaces.ts';
import { MdnsAnnouncer } from './mdns-announcer.ts';

/** What announcing needs of a host: HostServer has all of it. */
export interface DiscoverableHost {
  readonly identity: { id: string; name: string };
  readonly port: number;
  /** `tls` set: the port speaks TLS. */
  readonly options: { bind: string; tls: object | null };
  /** The host's key and certificate (PEM): its id is their key's hash, its adverts are signed with it. */
  readonly certificate: { key: string; cert: string } | null;
  rooms(): RoomInfo[];
}

/** The public half of a host's identity, as adverts carry it. */
export interface AdvertIdentity {
  key: string;
  fingerprint: string;
}

export interface HostDiscoveryOptions {
  /** Adapters to announce on, by name (`--announce-interface`); default: the recommended ones. */
  interfaces?: readonly string[];
  /** Announce over mDNS. Default true. */
  mdns?: boolean;
  /** Send the broadcast beacon. Default true. */
  broadcast?: boolean;
  beaconPort?: number;
  beaconIntervalMs?: number;
  logger?: Logger;
  /** The machine's adapters (tests pass their own). */
  ranked?: LanInterface[];
}

export interface HostDiscovery {
  /** The adapters announced on (empty when there is nothing to announce on; see `note`). */
  readonly targets: AnnounceTarget[];
  /** Why nothing is announced, in plain words, when `targets` is empty. */
  readonly note: string | undefined;
  /** Re-read the host's name and rooms and announce changes now (it also happens on every beacon tick). */
  refresh(): Promise<void>;
  /** Say goodbye (mDNS TTL 0 and a `bye` beacon) and close the sockets. */
  stop(): Promise<void>;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/i;

export function advertOf(host: DiscoverableHost, identity: AdvertIdentity): Advert {
  return {
    id: host.identity.id,
    key: identity.key,
    fingerprint: identity.fingerprint,
    tls: host.options.tls !== null,
    name: host.identity.name,
    port: host.port,
    protocol: PROTOCOL_VERSION,
    rooms: host.rooms().map((r) => r.name),
    roomsTruncated: false,
  };
}

/** The adapters to announce on for a host bound to `bind`. */
function targetsFor(
  bind: string,
  ranked: LanInterface[],
  names: readonly string[],
): { targets: AnnounceTarget[]; note?: string } {
  if (LOOPBACK.test(bind))
    return { targets: [], note: `the host listens on ${bind} only, which no other machine can reach` };
  if (bind !== '::' && bind !== '0.0.0.0') {
    const owner = interfaceOf(bind, ranked);
    if (!owner) return { targets: [], note: `no adapter holds the bound address ${bind}` };
    const targets = chooseInterfaces(ranked, [owner.name]);
    return { targets, ...(targets.length === 0 ? { note: `${owner.name} has no IPv4 address` } : {}) };
  }
  const targets = chooseInterfaces(ranked, names);
  return targets.length > 0
    ? { targets }
    : { targets, note: 'no wired, Wi-Fi or other network adapter has an IPv4 address; connect to a network' };
}

/**
 * Announce a running host on the LAN: DNS-SD over mDNS (`_tincan._tcp`) and the UDP broadcast beacon
 * on each chosen adapter. HostServer itself knows nothing of discovery; the headless CLI and the
 * desktop main process call this after `listen()`, and `stop()` before `close()`.
 *
 * Every beacon interval it re-reads the host's name and rooms (changes are re-announced) and, unless
 * adapters were named, the machine's adapters: one that comes up later (Wi-Fi joining after start)
 * is announced on, one that went away is dropped.
 */
export async function startDiscoveryForHost(
  host: DiscoverableHost,
  options: HostDiscoveryOptions = {},
): Promise<HostDiscovery> {
  const logger = options.logger ?? silentLogger;
  const certificate = host.certificate;
  if (!certificate) throw new TypeError('a host is announced with its certificate: start it with one');
  const identity = { key: publicKeyOf(certificate.cert), fingerprint: fingerprintOf(certificate.cert) };
  const names = options.interfaces ?? [];
  const pick = () => targetsFor(host.options.bind, options.ranked ?? rankInterfaces(), names);
  const tickMs = options.beaconIntervalMs ?? BEACON_INTERVAL_MS;
  let advert = advertOf(host, identity);
  let chosen = pick();
  let announcer: MdnsAnnouncer | undefined;
  let beacon: BeaconSender | undefined;

  const open = async () => {
    const { targets } = chosen;
    const useMdns = options.mdns !== false && targets.length > 0;
    announcer = useMdns ? new MdnsAnnouncer({ targets, logger }) : undefined;
    announcer?.start(advert);
    beacon =
      options.broadcast !== false && targets.length > 0
        ? new BeaconSender({
            targets,
            mdns: useMdns,
            logger,
            advert: () => advert,
            privateKey: certificate.key,
            ...(options.beaconPort ? { port: options.beaconPort } : {}),
            intervalMs: tickMs,
          })
        : undefined;
    await beacon?.start();
  };
  const close = async () => {
    await Promise.all([announcer?.stop(), beacon?.stop()]);
    announcer = beacon = undefined;
  };
  const key = (targets: AnnounceTarget[]) => JSON.stringify(targets.map((t) => [t.name, t.address, t.broadcast]));

  // One queue for every change, so a refresh never overlaps a restart.
  let queue = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error: unknown) => logger.warn(`discovery: ${String(error)}`));
    return queue;
  };
  const refresh = () =>
    enqueue(async () => {
      const next = advertOf(host, identity);
      if (JSON.stringify(next) === JSON.stringify(advert)) return;
      advert = next;
      await announcer?.update(next);
    });
  const retarget = () =>
    enqueue(async () => {
      const next = pick();
      if (key(next.targets) === key(chosen.targets)) return;
      logger.info(
        `discovery: now announcing on ${next.targets.map((t) => `${t.name} (${t.address})`).join(', ') || 'nothing'}`,
      );
      await close();
      chosen = next;
      await open();
    });

  await open();
  let stopped: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (stopped) return;
    if (names.length === 0) void retarget();
    void refresh();
  }, tickMs).unref();

  return {
    get targets() {
      return chosen.targets;
    },
    get note() {
      return chosen.note;
    },
    refresh,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await queue;
        await close();
      })();
      return stopped;
    },
  };
}
