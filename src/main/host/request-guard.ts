import { isIP } from 'node:net';
import { DESKTOP_APP_ORIGIN } from '../../shared/app-origin.ts';

/** The hostname part of a Host header value (`name:port`, `[v6]:port`), lower-cased; '' when absent. */
export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') > 0 ? value.indexOf(']') : undefined);
  const colon = value.lastIndexOf(':');
  return colon >= 0 && value.indexOf(':') === colon ? value.slice(0, colon) : value;
}

/**
 * Guards against DNS rebinding: a web page on a name its owner controls can point that name at a
 * LAN address, but the browser still sends the attacker's name in Host. So only addresses and
 * local names are served: IP literals, localhost, this machine's name, *.local (mDNS), and any
 * names configured.
 */
export function isAllowedHost(hostHeader: string | undefined, machineName: string, extra: readonly string[]): boolean {
  const name = hostnameOf(hostHeader);
  if (!name) return false;
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.local')) return true;
  const machine = machineName.toLowerCase();
  if (name === machine || name === `${machine}.local`) return true;
  return extra.some((allowed) => allowed.toLowerCase() === name);
}

/**
 * True for addresses that only exist on a local network: loopback, RFC 1918 private ranges,
 * link-local, IPv6 unique-local. No public website is served from one of these.
 */
export function isLocalNetworkAddress(address: string): boolean {
  const a = address.toLowerCase();
  if (isIP(a) === 4) {
    const [x, y] = a.split('.').map(Number) as [number, number];
    return (
      x === 10 || x === 127 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168) || (x === 169 && y === 254)
    );
  }
  if (isIP(a) === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) return isLocalNetworkAddress(mapped[1]!);
    return a === '::1' || /^f[cd][0-9a-f]{2}:/.test(a) || /^fe[89ab][0-9a-f]:/.test(a);
  }
  return false;
}

/**
 * Stops cross-site WebSocket hijacking: browsers always send Origin, so a page on a website the user
 * happens to have open is refused. Allowed: no Origin (script clients), the desktop app's origin, the
 * host's own origin (the web client it serves), the configured list, and pages served from a
 * local-network address or name — the web client of another Tincan host on the LAN, which a person
 * uses to join this host too. Websites have public names or addresses, and DNS rebinding (a public
 * name pointed at a LAN address) is stopped by the Host check in isAllowedHost.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  hostHeader: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined || origin === DESKTOP_APP_ORIGIN) return true;
  if (allowed.includes(origin)) return true;
  const host = hostHeader?.toLowerCase();
  if (host && (origin.toLowerCase() === `http://${host}` || origin.toLowerCase() === `https://${host}`)) return true;
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const name = url.hostname.replace(/^\[|\]$/g, '');
  return isLocalNetworkAddress(name) || name === 'localhost' || name.endsWith('.local');
}
