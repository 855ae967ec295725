import { createSocket, type Socket } from 'node:dgram';
import { request } from 'node:http';
import { connect, isIP } from 'node:net';
import { BEACON_INTERVAL_MS, BEACON_PORT } from './advert.ts';
import { BeaconListener } from './broadcast-fallback.ts';
import { chooseInterfaces, interfaceOf, rankInterfaces, type InterfaceKind, type LanInterface } from './interfaces.ts';
import type { Sighting } from './source.ts';

/**
 * "Can't see a host?": checks that each return a structured result with plain-language `summary`
 * and `advice`, and `summarize()`, which reads them together (e.g. "multicast is blocked here, but
 * the broadcast fallback works"). Every check is bounded in time and never throws for network
 * trouble; trouble is the result.
 */

export const MDNS_GROUP = '224.0.0.251';
export const MDNS_PORT = 5353;

export type CheckStatus = 'ok' | 'warn' | 'fail';

interface CheckBase {
  status: CheckStatus;
  /** One sentence on what was found. */
  summary: string;
  /** What to try, in plain words; empty when nothing needs doing. */
  advice: string[];
}

export interface MulticastCheck extends CheckBase {
  check: 'multicast';
  interface: string;
  address: string;
  listenedMs: number;
  /** mDNS packets from other machines. */
  packets: number;
  /** Addresses of the machines heard. */
  responders: string[];
  /** Addresses of machines whose packets mention `_tincan._tcp`. */
  tincanResponders: string[];
  error?: string;
}

export interface BroadcastCheck extends CheckBase {
  check: 'broadcast';
  port: number;
  listenedMs: number;
  hosts: { id: string; name: string; from: string; port: number; announcesMdns: boolean }[];
  /** Datagrams on the port that were not valid beacons. */
  invalid: number;
  error?: string;
}

export type TcpOutcome = 'ok' | 'refused' | 'timeout' | 'unreachable' | 'error';

export interface ReachCheck extends CheckBase {
  check: 'reach';
  address: string;
  port: number;
  tcp: TcpOutcome;
  tcpMs: number | null;
  /** The answer of GET /health, when TCP connected. */
  health: { httpStatus: number; tincan: boolean; hostId?: string; hostName?: string; protocol?: number } | null;
  error?: string;
}

export interface RouteCheck extends CheckBase {
  check: 'route';
  address: string;
  /** The source address the OS would use; null when it has no route. */
  sourceAddress: string | null;
  interface: string | null;
  kind: InterfaceKind | null;
  error?: string;
}

const OWN_FIREWALL =
  'Check that this computer\u2019s firewall allows Tincan (UDP 5353 for mDNS, UDP 47470 for the broadcast fallback).';
const TYPE_ADDRESS =
  'You can always join by typing the host\u2019s address (shown on the host, e.g. 192.168.1.20:4747) — discovery is only a convenience.';

function ownAddresses(ranked: LanInterface[]): Set<string> {
  return new Set(ranked.flatMap((i) => i.addresses.map((a) => a.address.toLowerCase())));
}

/** A DNS query for the PTR records of `_tincan._tcp.local` and `_services._dns-sd._udp.local`. */
export function mdnsQuery(): Buffer {
  const name = (labels: string[]) =>
    Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  const question = (labels: string[]) => Buffer.concat([name(labels), Buffer.from([0, 12, 0, 1])]); // PTR, IN
  const header = Buffer.from([0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0]); // id 0, flags 0, 2 questions
  return Buffer.concat([
    header,
    question(['_tincan', '_tcp', 'local']),
    question(['_services', '_dns-sd', '_udp', 'local']),
  ]);
}

const TINCAN_LABEL = Buffer.concat([Buffer.from([7]), Buffer.from('_tincan')]);

function closeQuietly(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

export interface MulticastCheckOptions {
  /** Adapter by name; default: the first recommended one. */
  interface?: string;
  listenMs?: number;
  ranked?: LanInterface[];
}

/**
 * Is anything heard over multicast on this adapter? Joins the mDNS group there, asks for Tincan
 * hosts and for every service type twice, and counts packets from other machines for `listenMs`.
 */
export async function checkMulticast(options: MulticastCheckOptions = {}): Promise<MulticastCheck> {
  const ranked = options.ranked ?? rankInterfaces();
  const listenMs = options.listenMs ?? 3000;
  let target;
  try {
    target = chooseInterfaces(ranked, options.interface ? [options.interface] : [])[0];
  } catch (error) {
    return multicastResult(options.interface ?? '', '', listenMs, [], [], 0, (error as Error).message);
  }
  if (!target) return multicastResult('', '', listenMs, [], [], 0, 'no network adapter with an IPv4 address');
  const own = ownAddresses(ranked);
  const responders = new Set<string>();
  const tincan = new Set<string>();
  let packets = 0;
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(MDNS_PORT, '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => {});
    socket.addMembership(MDNS_GROUP, target.address);
    socket.setMulticastInterface(target.address);
    socket.setMulticastTTL(255);
    socket.on('message', (data, rinfo) => {
      if (own.has(rinfo.address.toLowerCase())) return;
      packets++;
      responders.add(rinfo.address);
      if (data.includes(TINCAN_LABEL)) tincan.add(rinfo.address);
    });
    const query = mdnsQuery();
    const ask = () => socket.send(query, MDNS_PORT, MDNS_GROUP, () => {});
    ask();
    const again = setTimeout(ask, Math.min(1000, listenMs / 2));
    await new Promise((resolve) => setTimeout(resolve, listenMs));
    clearTimeout(again);
  } catch (error) {
    await closeQuietly(socket);
    return multicastResult(target.name, target.address, listenMs, [], [], 0, (error as Error).message);
  }
  await closeQuietly(socket);
  return multicastResult(target.name, target.address, listenMs, [...responders], [...tincan], packets);
}

function multicastResult(
  name: string,
  address: string,
  listenedMs: number,
  responders: string[],
  tincanResponders: string[],
  packets: number,
  error?: string,
): MulticastCheck {
  const base = {
    check: 'multicast' as const,
    interface: name,
    address,
    listenedMs,
    packets,
    responders,
    tincanResponders,
  };
  const secs = `${Math.round(listenedMs / 100) / 10} s`;
  if (error) {
    return {
      ...base,
      error,
      status: 'fail',
      summary: `Could not listen for multicast${name ? ` on ${name}` : ''}: ${error}.`,
      advice: ['Another program may hold UDP port 5353 exclusively; close it or restart Tincan.', OWN_FIREWALL],
    };
  }
  if (tincanResponders.length > 0) {
    return {
      ...base,
      status: 'ok',
      summary: `Multicast works on ${name}: ${tincanResponders.length} Tincan host(s) answered over mDNS within ${secs}.`,
      advice: [],
    };
  }
  if (packets > 0) {
    return {
      ...base,
      status: 'warn',
      summary: `Multicast works on ${name} (${responders.length} other device(s) heard within ${secs}), but no Tincan host answered over mDNS.`,
      advice: [
        'Is the host running, and on this same network (not a guest network or another VLAN)?',
        'The host\u2019s firewall may block UDP port 5353.',
      ],
    };
  }
  return {
    ...base,
    status: 'fail',
    summary: `Nothing was heard over multicast on ${name} (${address}) within ${secs}.`,
    advice: [
      'The network may filter multicast (common on guest Wi-Fi, some mesh systems and managed switches).',
      OWN_FIREWALL,
    ],
  };
}

export interface BroadcastCheckOptions {
  listenMs?: number;
  port?: number;
  /** Hosts to leave out (this app's own). */
  ignoreIds?: readonly string[];
}

/** Is the broadcast fallback hearing anything? Listens for beacons for `listenMs` (default two intervals and a bit). */
export async function checkBroadcast(options: BroadcastCheckOptions = {}): Promise<BroadcastCheck> {
  const port = options.port ?? BEACON_PORT;
  const listenMs = options.listenMs ?? BEACON_INTERVAL_MS * 2 + 500;
  const ignore = new Set(options.ignoreIds ?? []);
  const heard = new Map<string, BroadcastCheck['hosts'][number]>();
  const listener = new BeaconListener({ port, locate: () => undefined });
  const base = { check: 'broadcast' as const, port, listenedMs: listenMs };
  try {
    await listener.start({
      seen: (s: Sighting) => {
        if (ignore.has(s.advert.id)) return;
        heard.set(s.advert.id, {
          id: s.advert.id,
          name: s.advert.name,
          from: s.addresses[0] ?? '',
          port: s.advert.port,
          announcesMdns: s.mdns ?? false,
        });
      },
      gone: () => {},
    });
  } catch (error) {
    await listener.stop();
    const message = (error as Error).message;
    return {
      ...base,
      hosts: [],
      invalid: 0,
      error: message,
      status: 'fail',
      summary: `Could not listen for broadcast beacons on UDP ${port}: ${message}.`,
      advice: [OWN_FIREWALL],
    };
  }
  await new Promise((resolve) => setTimeout(resolve, listenMs));
  await listener.stop();
  const hosts = [...heard.values()];
  const invalid = listener.stats.invalid;
  const secs = `${Math.round(listenMs / 100) / 10} s`;
  if (hosts.length > 0) {
    return {
      ...base,
      hosts,
      invalid,
      status: 'ok',
      summary: `The broadcast fallback hears ${hosts.length} Tincan host(s): ${hosts.map((h) => `${h.name} (${h.from})`).join(', ')}.`,
      advice: [],
    };
  }
  return {
    ...base,
    hosts,
    invalid,
    status: 'fail',
    summary: `No Tincan broadcast beacon was heard on UDP ${port} within ${secs}.`,
    advice: [
      'Is a host running on this network? Hosts send a beacon every 2 seconds.',
      'Some networks (guest Wi-Fi, "client isolation") stop devices from hearing each other at all.',
      OWN_FIREWALL,
    ],
  };
}

function tcpConnect(
  address: string,
  port: number,
  timeoutMs: number,
): Promise<{ outcome: TcpOutcome; ms: number; error?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: timeoutMs });
    const done = (outcome: TcpOutcome, error?: string) => {
      socket.destroy();
      resolve({ outcome, ms: Math.round(performance.now() - started), ...(error ? { error } : {}) });
    };
    socket.once('connect', () => done('ok'));
    socket.once('timeout', () => done('timeout'));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      if (code === 'ECONNREFUSED') done('refused', code);
      else if (['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN'].includes(code))
        done('unreachable', code);
      else if (code === 'ETIMEDOUT') done('timeout', code);
      else done('error', code || error.message);
    });
  });
}

function getHealth(address: string, port: number, timeoutMs: number): Promise<ReachCheck['health']> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: address,
        port,
        path: '/health',
        method: 'GET',
        timeout: timeoutMs,
        headers: { accept: 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > 64 * 1024) req.destroy();
        });
        res.on('end', () => {
          let parsed: { status?: unknown; protocol?: unknown; host?: { id?: unknown; name?: unknown } } = {};
          try {
            parsed = JSON.parse(body) as typeof parsed;
          } catch {
            // not JSON: not a Tincan host
          }
          const tincan =
            parsed.status === 'ok' && typeof parsed.protocol === 'number' && typeof parsed.host?.id === 'string';
          resolve({
            httpStatus: res.statusCode ?? 0,
            tincan,
            ...(tincan
              ? {
                  hostId: String(parsed.host!.id),
                  hostName: String(parsed.host!.name),
                  protocol: Number(parsed.protocol),
                }
              : {}),
          });
        });
        res.on('error', () => resolve(null));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

/** Can this machine reach host:port? A TCP connect, then GET /health to see that Tincan answers. */
export async function checkReach(
  address: string,
  port: number,
  options: { timeoutMs?: number } = {},
): Promise<ReachCheck> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const bare = address.replace(/^\[|\]$/g, '');
  const where = `${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
  const tcp = await tcpConnect(bare, port, timeoutMs);
  const base = {
    check: 'reach' as const,
    address: bare,
    port,
    tcp: tcp.outcome,
    tcpMs: tcp.outcome === 'ok' ? tcp.ms : null,
  };
  const err = tcp.error ? { error: tcp.error } : {};
  switch (tcp.outcome) {
    case 'ok': {
      const health = await getHealth(bare, port, timeoutMs);
      if (health?.tincan) {
        return {
          ...base,
          health,
          status: 'ok',
          summary: `${where} answers: Tincan host "${health.hostName}" (protocol ${health.protocol}), connected in ${tcp.ms} ms.`,
          advice: [],
        };
      }
      return {
        ...base,
        health,
        status: 'warn',
        summary: `Something answers at ${where}, but it is not a Tincan host${health ? ` (HTTP ${health.httpStatus})` : ''}.`,
        advice: ['Check the port number: Tincan hosts use 4747 unless set otherwise.'],
      };
    }
    case 'refused':
      return {
        ...base,
        ...err,
        health: null,
        status: 'fail',
        summary: `${bare} is reachable, but nothing listens on port ${port}.`,
        advice: ['Is Tincan hosting on that machine, and is the port right (4747 by default)?'],
      };
    case 'timeout':
      return {
        ...base,
        ...err,
        health: null,
        status: 'fail',
        summary: `No answer from ${where} within ${timeoutMs} ms.`,
        advice: [
          `The host\u2019s firewall may block TCP port ${port}: allow Tincan there.`,
          'Or the two devices are on networks that cannot reach each other (guest Wi-Fi, "AP/client isolation", another VLAN).',
        ],
      };
    case 'unreachable':
      return {
        ...base,
        ...err,
        health: null,
        status: 'fail',
        summary: `This machine has no way to reach ${bare} (${tcp.error}).`,
        advice: [
          'Are both devices on the same network? Check the address, and that this computer is connected.',
          'A VPN can take over the route; disconnect it or allow local network access in its settings.',
        ],
      };
    default:
      return {
        ...base,
        ...err,
        health: null,
        status: 'fail',
        summary: `Connecting to ${where} failed: ${tcp.error}.`,
        advice: ['Check the address.'],
      };
  }
}

/** Which source address (and so adapter) the OS would use to reach `address`: the UDP connect trick, nothing is sent. */
export async function checkRoute(address: string, options: { ranked?: LanInterface[] } = {}): Promise<RouteCheck> {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  const base = { check: 'route' as const, address: bare };
  if (family === 0) {
    return {
      ...base,
      sourceAddress: null,
      interface: null,
      kind: null,
      error: 'not an IP address',
      status: 'fail',
      summary: `${address} is not an IP address.`,
      advice: [],
    };
  }
  const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
  let source: string | null = null;
  let error: string | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(9, bare, () => resolve());
    });
    source = socket.address().address;
  } catch (e) {
    error = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
  await closeQuietly(socket);
  if (!source) {
    return {
      ...base,
      sourceAddress: null,
      interface: null,
      kind: null,
      ...(error ? { error } : {}),
      status: 'fail',
      summary: `This machine has no route to ${bare}${error ? ` (${error})` : ''}.`,
      advice: ['Connect to the same network as the host, or check the address.'],
    };
  }
  const adapter = interfaceOf(source, options.ranked ?? rankInterfaces());
  const kind = adapter?.kind ?? null;
  const via = adapter ? `${adapter.name} (${source})` : source;
  const advice =
    kind === 'vpn'
      ? [
          `Traffic to ${bare} goes through a VPN (${adapter!.name}), not your local network.`,
          'Disconnect the VPN, or turn on its "allow LAN access" option, then try again.',
        ]
      : kind === 'virtual'
        ? [
            `${bare} is reached through a virtual adapter (${adapter!.name}); hosts there are containers or VMs on this computer.`,
          ]
        : kind === 'loopback'
          ? ['That address is this computer itself.']
          : [];
  return {
    ...base,
    sourceAddress: source,
    interface: adapter?.name ?? null,
    kind,
    status: advice.length > 0 && kind !== 'loopback' ? 'warn' : 'ok',
    summary: `To reach ${bare}, this machine would use ${via}${adapter ? `: ${adapter.reason}` : ''}.`,
    advice,
  };
}

export type Verdict = 'ok' | 'multicast-blocked' | 'broadcast-blocked' | 'no-host-heard' | 'unreachable' | 'incomplete';

export interface DiagnosisInput {
  multicast?: MulticastCheck[];
  broadcast?: BroadcastCheck;
  reach?: ReachCheck[];
  route?: RouteCheck[];
}

export interface Diagnosis {
  verdict: Verdict;
  /** The one sentence to show first. */
  headline: string;
  /** What each check found. */
  findings: string[];
  /** What to try, most useful first, without repeats. */
  advice: string[];
}

/**
 * Read the checks together. The case the panel exists for: a Tincan host is heard by broadcast but
 * not over multicast — then multicast is blocked on this network and the fallback is doing the work.
 */
export function summarize(input: DiagnosisInput): Diagnosis {
  const multicast = input.multicast ?? [];
  const reach = input.reach ?? [];
  const route = input.route ?? [];
  const findings = [
    ...multicast.map((m) => m.summary),
    ...(input.broadcast ? [input.broadcast.summary] : []),
    ...route.map((r) => r.summary),
    ...reach.map((r) => r.summary),
  ];
  const advice: string[] = [];
  const add = (...items: string[]) => {
    for (const item of items) if (!advice.includes(item)) advice.push(item);
  };
  const mdnsTincan = multicast.some((m) => m.tincanResponders.length > 0);
  const mdnsAnything = multicast.some((m) => m.packets > 0);
  const beaconHosts = input.broadcast?.hosts ?? [];
  const reachOk = reach.some((r) => r.status === 'ok');
  const reachFailed = reach.length > 0 && !reachOk;
  let verdict: Verdict;
  let headline: string;

  if (beaconHosts.length > 0 && multicast.length > 0 && !mdnsTincan) {
    verdict = 'multicast-blocked';
    const announcing = beaconHosts.filter((h) => h.announcesMdns).map((h) => h.name);
    headline =
      'Multicast (mDNS) is blocked on this network, but Tincan\u2019s broadcast fallback works: the hosts listed were found by broadcast, and you can join them.';
    if (announcing.length > 0) {
      findings.push(
        `${announcing.join(', ')} announce${announcing.length === 1 ? 's' : ''} over mDNS too, yet nothing of it arrives here over multicast.`,
      );
    }
    add(
      'Nothing to do for Tincan: finding hosts works through the fallback (it may take up to 2 seconds).',
      'Other apps that rely on mDNS/Bonjour (printers, AirPlay, Chromecast) may not find devices here either.',
      'To fix multicast: on the router or access point, turn off "multicast filtering"/"IGMP snooping" (or enable an IGMP querier or "mDNS/Bonjour forwarding"); on this computer, allow UDP port 5353.',
    );
  } else if (mdnsTincan && input.broadcast && beaconHosts.length === 0) {
    verdict = 'broadcast-blocked';
    headline =
      'Tincan hosts are found over multicast (mDNS); the broadcast fallback hears nothing, which is fine while mDNS works.';
    add('Nothing to do. Broadcasts may be filtered here, or the hosts run an older Tincan without the beacon.');
  } else if (mdnsTincan || beaconHosts.length > 0) {
    verdict = 'ok';
    headline = 'Discovery works on this network: Tincan hosts are heard.';
  } else if (multicast.length === 0 && !input.broadcast) {
    verdict = reachFailed ? 'unreachable' : 'incomplete';
    headline = reachFailed
      ? 'The host cannot be reached from this machine.'
      : 'Run the multicast and broadcast checks to see why no host shows up.';
  } else {
    verdict = 'no-host-heard';
    headline = mdnsAnything
      ? 'Multicast works here (other devices answer), but no Tincan host is heard, by multicast or broadcast.'
      : 'No Tincan host is heard, neither over multicast nor by broadcast.';
    add(
      'Make sure the host is running and on the same network — not a guest network, another VLAN, or mobile data.',
      'Guest Wi-Fi and "AP/client isolation" stop devices from seeing each other; use the main network.',
    );
    if (!mdnsAnything) add(OWN_FIREWALL);
  }

  if (reachFailed) {
    if (verdict === 'ok' || verdict === 'multicast-blocked' || verdict === 'broadcast-blocked') verdict = 'unreachable';
    if (verdict === 'unreachable' && beaconHosts.length + multicast.length > 0) {
      headline = 'The host is heard, but connecting to it fails.';
    }
    for (const r of reach) add(...r.advice);
  } else if (reachOk) {
    add(TYPE_ADDRESS);
  }
  for (const r of route) add(...r.advice);
  for (const m of multicast) if (m.status === 'fail' && m.error) add(...m.advice);
  if (verdict === 'no-host-heard') add(TYPE_ADDRESS);
  return { verdict, headline, findings, advice };
}

export interface RunDiagnosticsOptions {
  /** Adapters for the multicast check; default the recommended ones. */
  interfaces?: readonly string[];
  /** A host to test reaching (e.g. the address the user typed). */
  target?: { address: string; port: number };
  listenMs?: number;
  beaconPort?: number;
  ignoreIds?: readonly string[];
  ranked?: LanInterface[];
}

/** Every check at once (multicast on each adapter and broadcast in parallel), plus the summary. */
export async function runDiagnostics(
  options: RunDiagnosticsOptions = {},
): Promise<DiagnosisInput & { diagnosis: Diagnosis }> {
  const ranked = options.ranked ?? rankInterfaces();
  let names: string[];
  try {
    names = chooseInterfaces(ranked, options.interfaces ?? []).map((t) => t.name);
  } catch {
    names = [...(options.interfaces ?? [])];
  }
  const listen = options.listenMs !== undefined ? { listenMs: options.listenMs } : {};
  const [multicast, broadcast, reach, route] = await Promise.all([
    Promise.all(
      (names.length > 0 ? names : [undefined]).map((name) =>
        checkMulticast({ ranked, ...listen, ...(name ? { interface: name } : {}) }),
      ),
    ),
    checkBroadcast({
      ...(options.listenMs !== undefined ? { listenMs: Math.max(options.listenMs, BEACON_INTERVAL_MS + 500) } : {}),
      ...(options.beaconPort ? { port: options.beaconPort } : {}),
      ...(options.ignoreIds ? { ignoreIds: options.ignoreIds } : {}),
    }),
    options.target ? checkReach(options.target.address, options.target.port).then((r) => [r]) : Promise.resolve([]),
    options.target ? checkRoute(options.target.address, { ranked }).then((r) => [r]) : Promise.resolve([]),
  ]);
  const input: DiagnosisInput = { multicast, broadcast, reach, route };
  return { ...input, diagnosis: summarize(input) };
}
