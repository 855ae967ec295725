import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface LanAddress {
  interface: string;
  address: string;
  family: 'IPv4' | 'IPv6';
  internal: boolean;
}

/** Every address this machine answers on, IPv4 first, loopback last. Link-local IPv6 is left out: browsers can't use it without a zone. */
export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): LanAddress[] {
  const found: LanAddress[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv6' && info.address.toLowerCase().startsWith('fe80')) continue;
      found.push({ interface: name, address: info.address, family: info.family, internal: info.internal });
    }
  }
  const rank = (a: LanAddress) => (a.internal ? 2 : 0) + (a.family === 'IPv6' ? 1 : 0);
  return found.sort((a, b) => rank(a) - rank(b));
}

/** `http://10.0.0.2:4747/` or `http://[fd00::2]:4747/` (`https://` for a host on TLS). */
export function httpUrl(address: string, port: number, secure = false): string {
  return `${secure ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}/`;
}

/** The addresses a server bound to `bind` is reachable on. */
export function listeningAddresses(bind: string, all: LanAddress[] = lanAddresses()): LanAddress[] {
  if (bind === '::') return all;
  if (bind === '0.0.0.0') return all.filter((a) => a.family === 'IPv4');
  return all.filter((a) => a.address === bind).length > 0
    ? all.filter((a) => a.address === bind)
    : [{ interface: '', address: bind, family: bind.includes(':') ? 'IPv6' : 'IPv4', internal: false }];
}
