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
 * Stops cross-site WebSocket hijacking: browsers always send Origin, so a page the user happens to
 * have open elsewhere is refused. Allowed: no Origin (script clients), the desktop app's origin,
 * the host's own origin (the web client it serves), and the configured list.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  hostHeader: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined || origin === DESKTOP_APP_ORIGIN) return true;
  if (allowed.includes(origin)) return true;
  if (!hostHeader) return false;
  const host = hostHeader.toLowerCase();
  return origin.toLowerCase() === `http://${host}` || origin.toLowerCase() === `https://${host}`;
}
