import { parseHostAddress, type HostAddress } from './host-address.ts';
import { joinToken, roomName } from './protocol/index.ts';

/**
 * Invite links. An invite is an ordinary http URL of the host's web client, so scanning its QR code
 * on a phone opens the browser straight into the room:
 *
 *   http://10.0.0.2:4747/#/join?room=general&hosts=10.0.0.2,fd00::2&name=lanbox&token=1.m3k….…
 *
 * The URL's own host is the first address to try; `hosts` (present when there are several) lists
 * every address of the host, same port, best first, for when the first is not reachable from where
 * the link is opened. `token` (a
 * join token, only for rooms with a password) is accepted by `join` instead of the password. `fp` is
 * the SHA-256 of the host's certificate (64 hex digits): the desktop app then joins over `wss://` and
 * accepts that certificate only. The link is `https://` when the host speaks nothing but TLS.
 * Everything after `#` stays in the browser: it is never sent to the host in an HTTP request.
 */
export interface Invite {
  /** Addresses to try, best first (IP literals or host names). */
  addresses: string[];
  port: number;
  room: string;
  /** The host's name, for showing "Join general on lanbox". */
  name?: string;
  token?: string;
  /** SHA-256 of the host's certificate, 64 lowercase hex digits: the pin. */
  fingerprint?: string;
  /** The host's port speaks TLS only: the link is https://. */
  secure?: boolean;
}

const FINGERPRINT = /^[0-9a-f]{64}$/;

export const INVITE_PATH = '#/join';
/** Addresses an invite carries at most (keeps the QR code scannable). */
export const MAX_INVITE_ADDRESSES = 6;

const bracket = (address: string) => (address.includes(':') ? `[${address}]` : address);

/** The address as a host name or IP literal (lower case), or null when it is anything more or less. */
function hostOnly(address: string): string | null {
  const parsed = parseHostAddress(bracket(address));
  return parsed && parsed.hostname === address.toLowerCase() ? parsed.hostname : null;
}

/** The invite URL. The first address becomes the URL's host. */
export function formatInvite(invite: Invite): string {
  const addresses = invite.addresses.slice(0, MAX_INVITE_ADDRESSES);
  const first = addresses[0];
  if (!first) throw new TypeError('an invite needs at least one address');
  if (!roomName.safeParse(invite.room).success) throw new TypeError(`invalid room name ${JSON.stringify(invite.room)}`);
  if (invite.token !== undefined && !joinToken.safeParse(invite.token).success)
    throw new TypeError('invalid join token');
  for (const a of addresses) {
    if (!hostOnly(a)) throw new TypeError(`invalid address ${JSON.stringify(a)}`);
  }
  if (invite.fingerprint !== undefined && !FINGERPRINT.test(invite.fingerprint))
    throw new TypeError('invalid fingerprint: must be 64 lowercase hex digits');
  // IP literals need no escaping in a fragment (":" and "," are allowed there), which keeps QR codes small.
  const params = [`room=${encodeURIComponent(invite.room)}`];
  if (addresses.length > 1) params.push(`hosts=${addresses.join(',')}`);
  if (invite.name) params.push(`name=${encodeURIComponent(invite.name)}`);
  if (invite.token) params.push(`token=${invite.token}`);
  if (invite.fingerprint) params.push(`fp=${invite.fingerprint}`);
  return `${invite.secure ? 'https' : 'http'}://${bracket(first)}:${invite.port}/${INVITE_PATH}?${params.join('&')}`;
}

/** An invite from a link (as scanned, pasted or opened), or null when it is not a valid one. */
export function parseInvite(link: string): Invite | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const hash = url.hash;
  if (!hash.startsWith(`${INVITE_PATH}?`)) return null;
  const params = new URLSearchParams(hash.slice(INVITE_PATH.length + 1));
  const room = params.get('room');
  if (room === null || !roomName.safeParse(room).success) return null;
  const token = params.get('token') ?? undefined;
  if (token !== undefined && !joinToken.safeParse(token).success) return null;
  const fingerprint = params.get('fp')?.toLowerCase() ?? undefined;
  if (fingerprint !== undefined && !FINGERPRINT.test(fingerprint)) return null;
  const origin = parseHostAddress(url.host);
  if (!origin) return null;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const addresses = [origin.hostname];
  for (const text of (params.get('hosts') ?? '').split(',')) {
    if (!text) continue;
    const hostname = hostOnly(text.trim());
    if (!hostname) return null;
    if (!addresses.includes(hostname)) addresses.push(hostname);
  }
  const name = params.get('name') ?? undefined;
  return {
    addresses: addresses.slice(0, MAX_INVITE_ADDRESSES),
    port,
    room,
    ...(name ? { name: name.slice(0, 64) } : {}),
    ...(token ? { token } : {}),
    ...(fingerprint ? { fingerprint } : {}),
    ...(url.protocol === 'https:' ? { secure: true } : {}),
  };
}

/** The host addresses to try for an invite, best first (feed each to webSocketUrl). */
export function inviteHosts(invite: Invite): HostAddress[] {
  return invite.addresses.map((hostname) => ({ hostname, port: invite.port }));
}
