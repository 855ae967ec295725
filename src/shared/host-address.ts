/** A host to join, as a person types it: `10.0.0.2:4747`, `lanbox.local`, `[fd00::2]:4747`. */
export interface HostAddress {
  hostname: string;
  port: number;
}

export const DEFAULT_HOST_PORT = 4747;

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;

/**
 * Parse what a person typed into a host and port, or null when it is not one. Accepts an optional
 * `ws://` / `http://` prefix and trailing path (people paste URLs), and the default port when none is given.
 */
export function parseHostAddress(input: string): HostAddress | null {
  let text = input.trim();
  text = text.replace(/^(?:wss?|https?):\/\//i, '').replace(/\/.*$/, '');
  if (!text) return null;
  let hostname: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return null;
    hostname = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (rest && !rest.startsWith(':')) return null;
    portText = rest ? rest.slice(1) : undefined;
    if (!IPV6.test(hostname) || !hostname.includes(':')) return null;
  } else {
    const parts = text.split(':');
    if (parts.length > 2) return null;
    [hostname, portText] = [parts[0]!, parts[1]];
    if (!IPV4.test(hostname) && !HOSTNAME.test(hostname)) return null;
  }
  const port = portText === undefined ? DEFAULT_HOST_PORT : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { hostname: hostname.toLowerCase(), port };
}

/** `host:port`, with brackets for IPv6: the form shown to people and used as a key. */
export function formatHostAddress({ hostname, port }: HostAddress): string {
  return `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
}

/** A host's HTTP origin (its files, its health): `https://` when `secure`, as its WebSocket is `wss://`. */
export function httpOrigin(address: HostAddress, secure = false): string {
  return `${secure ? 'https' : 'http'}://${formatHostAddress(address)}`;
}

/** The WebSocket URL of a host's endpoint: `wss://` when `secure` (a host whose certificate is pinned). */
export function webSocketUrl(address: HostAddress, secure = false): string {
  return `${secure ? 'wss' : 'ws'}://${formatHostAddress(address)}/ws`;
}
