import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/**
 * What an adapter most likely is, best first: the order in which Tincan prefers them for announcing
 * and for invite links. Only the names (and a few well-known address ranges) are looked at, so the
 * guess is cheap, works the same on every OS, and is explained in `reason`.
 */
export const INTERFACE_KINDS = ['physical', 'other', 'vpn', 'virtual', 'loopback'] as const;
export type InterfaceKind = (typeof INTERFACE_KINDS)[number];

export interface InterfaceAddress {
  address: string;
  family: 'IPv4' | 'IPv6';
  netmask: string;
  /** Prefix length, e.g. 24. */
  prefix: number;
  /** The subnet's broadcast address (IPv4 with a prefix below 31 only), where the beacon is sent. */
  broadcast: string | null;
  /** 169.254/16 or fe80::/10: usable on the link only (no DHCP lease, or IPv6 link-local). */
  linkLocal: boolean;
}

export interface LanInterface {
  name: string;
  kind: InterfaceKind;
  /** Plain words: why this kind, and what it means for being found. */
  reason: string;
  addresses: InterfaceAddress[];
  /** Chosen by default for announcing and invites. */
  recommended: boolean;
}

type Rule = { kind: Exclude<InterfaceKind, 'loopback' | 'other'>; test: RegExp; what: string };

// Checked in order; the first match wins. Windows names ("vEthernet (WSL)", "Wi-Fi") are covered too.
const RULES: Rule[] = [
  { kind: 'vpn', test: /^(tun|tap|wg|utun|ppp|ipsec|gpd|nordlynx|proton)\d*/i, what: 'a VPN tunnel' },
  { kind: 'vpn', test: /tailscale|zerotier|^zt|openvpn|wireguard|\bvpn\b|tap-windows/i, what: 'a VPN' },
  {
    kind: 'virtual',
    test: /^(docker|br-|veth|virbr|vmnet|vboxnet|lxc|lxd|cni|flannel|cali|weave|podman|kube|vnet|bridge|awdl|llw|anpi|dummy|ifb)/i,
    what: 'a container, VM or virtual adapter',
  },
  { kind: 'virtual', test: /vethernet|virtualbox|vmware|hyper-v|wsl|host-only/i, what: 'a virtual machine adapter' },
  {
    kind: 'physical',
    test: /^(eth|en|em|wl|wlan|ww|ib|bond|team)|^(ethernet|wi-?fi|wireless|local area connection)/i,
    what: 'a wired or Wi-Fi adapter',
  },
];

const ADVICE: Record<InterfaceKind, string> = {
  physical: 'other machines on the same network can reach it',
  other: 'an adapter of unknown type; used only when no wired or Wi-Fi adapter has an address',
  vpn: 'machines on your LAN usually cannot reach this address, and multicast rarely crosses a VPN',
  virtual: 'only containers or virtual machines on this computer see it, not the rest of the LAN',
  loopback: 'this computer only',
};

/** 100.64.0.0/10: carrier-grade NAT, the range Tailscale hands out. */
function isCgnat(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  return a === 100 && b !== undefined && b >= 64 && b < 128;
}

/** Kind and reason for one adapter, from its name and addresses. */
export function classifyInterface(
  name: string,
  infos: readonly Pick<NetworkInterfaceInfo, 'address' | 'family' | 'internal'>[],
): { kind: InterfaceKind; reason: string } {
  if (infos.some((i) => i.internal) || /^lo\d*$/.test(name) || /loopback/i.test(name)) {
    return { kind: 'loopback', reason: `${name} is the loopback adapter: ${ADVICE.loopback}` };
  }
  const rule = RULES.find((r) => r.test.test(name));
  if (rule) return { kind: rule.kind, reason: `${name} looks like ${rule.what}: ${ADVICE[rule.kind]}` };
  if (infos.some((i) => i.family === 'IPv4' && isCgnat(i.address))) {
    return {
      kind: 'vpn',
      reason: `${name} has a 100.64/10 address, typical of Tailscale and other VPNs: ${ADVICE.vpn}`,
    };
  }
  return { kind: 'other', reason: `${name}: ${ADVICE.other}` };
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

/** Prefix length of a dotted or IPv6 netmask. */
export function prefixLength(netmask: string): number {
  if (netmask.includes(':')) {
    return netmask
      .split(':')
      .map((group) => (group === '' ? 0 : parseInt(group, 16)))
      .reduce((bits, group) => bits + group.toString(2).replace(/0/g, '').length, 0);
  }
  return ipv4ToInt(netmask).toString(2).replace(/0/g, '').length;
}

/** The broadcast address of an IPv4 subnet, or null for /31, /32 (point-to-point links). */
export function broadcastAddress(address: string, netmask: string): string | null {
  const mask = ipv4ToInt(netmask);
  if (prefixLength(netmask) >= 31) return null;
  return intToIpv4((ipv4ToInt(address) & mask) | (~mask >>> 0));
}

/** True when `address` is in the IPv4 subnet `network`/`netmask`. */
export function sameSubnet(address: string, network: string, netmask: string): boolean {
  if (address.includes(':') || network.includes(':')) return false;
  const mask = ipv4ToInt(netmask);
  return (ipv4ToInt(address) & mask) === (ipv4ToInt(network) & mask);
}

function toAddress(info: NetworkInterfaceInfo): InterfaceAddress {
  const ipv4 = info.family === 'IPv4';
  const lower = info.address.toLowerCase();
  return {
    address: info.address,
    family: info.family,
    netmask: info.netmask,
    prefix: prefixLength(info.netmask),
    broadcast: ipv4 && !info.internal ? broadcastAddress(info.address, info.netmask) : null,
    linkLocal: ipv4 ? info.address.startsWith('169.254.') : /^fe[89ab]/.test(lower),
  };
}

const usableIpv4 = (i: LanInterface) => i.addresses.some((a) => a.family === 'IPv4' && !a.linkLocal);

/**
 * Every adapter with an address, best first: physical, then unknown, VPN, virtual, loopback; within a
 * kind, adapters with a routable IPv4 address first, then by name. `recommended` marks the default
 * choice for announcing: every physical adapter with an IPv4 address, or when there is none, the best
 * kind that has one (never loopback).
 */
export function rankInterfaces(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): LanInterface[] {
  const found: LanInterface[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    if (!infos || infos.length === 0) continue;
    const { kind, reason } = classifyInterface(name, infos);
    found.push({ name, kind, reason, addresses: infos.map(toAddress), recommended: false });
  }
  const order = (i: LanInterface) => INTERFACE_KINDS.indexOf(i.kind) * 2 + (usableIpv4(i) ? 0 : 1);
  found.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  const best = found.find((i) => i.kind !== 'loopback' && usableIpv4(i));
  for (const i of found) i.recommended = best !== undefined && i.kind === best.kind && usableIpv4(i);
  return found;
}

/** A chosen adapter and the IPv4 address Tincan announces on it (mDNS and the beacon are IPv4). */
export interface AnnounceTarget {
  name: string;
  kind: InterfaceKind;
  address: string;
  broadcast: string | null;
  netmask: string;
  /** Every address of the adapter worth telling others (IPv4 first, no link-local). */
  addresses: string[];
}

/**
 * The adapters to announce on: those named (in the order given), or the recommended ones. Throws a
 * TypeError naming the unknown adapter and the ones that exist, so a CLI can show it as is.
 */
export function chooseInterfaces(ranked: LanInterface[], names: readonly string[] = []): AnnounceTarget[] {
  const picked =
    names.length === 0
      ? ranked.filter((i) => i.recommended)
      : names.map((name) => {
          const found = ranked.find((i) => i.name === name);
          if (!found) {
            const known = ranked.map((i) => `${i.name} (${i.kind})`).join(', ') || 'none';
            throw new TypeError(`no network interface named ${JSON.stringify(name)}; this machine has: ${known}`);
          }
          return found;
        });
  const targets: AnnounceTarget[] = [];
  for (const i of picked) {
    const v4 =
      i.addresses.find((a) => a.family === 'IPv4' && !a.linkLocal) ?? i.addresses.find((a) => a.family === 'IPv4');
    if (!v4) {
      if (names.includes(i.name)) throw new TypeError(`network interface ${i.name} has no IPv4 address to announce on`);
      continue;
    }
    const addresses = [v4, ...i.addresses.filter((a) => a !== v4 && !a.linkLocal)].map((a) => a.address);
    targets.push({
      name: i.name,
      kind: i.kind,
      address: v4.address,
      broadcast: v4.broadcast,
      netmask: v4.netmask,
      addresses,
    });
  }
  return targets;
}

/** The adapter that holds `address`, if it is one of this machine's. */
export function interfaceOf(address: string, ranked: LanInterface[] = rankInterfaces()): LanInterface | undefined {
  const bare = address
    .replace(/^::ffff:/i, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  return ranked.find((i) => i.addresses.some((a) => a.address.toLowerCase() === bare));
}

/** Find the adapter whose subnet holds `address`, from a list refreshed at most every 10 s. */
export function subnetLocator(): (address: string) => string | undefined {
  let cached: LanInterface[] = [];
  let at = 0;
  return (address) => {
    if (Date.now() - at > 10_000) {
      cached = rankInterfaces();
      at = Date.now();
    }
    return cached.find((i) =>
      i.addresses.some((a) => a.family === 'IPv4' && a.prefix > 0 && sameSubnet(address, a.address, a.netmask)),
    )?.name;
  };
}
