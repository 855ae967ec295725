import type { RoomInfo } from '../../shared/protocol/index.ts';
import { formatInvite, MAX_INVITE_ADDRESSES, type Invite } from '../../shared/invite.ts';
import { fingerprintOf } from '../tls/index.ts';
import { chooseInterfaces, rankInterfaces, type LanInterface } from './interfaces.ts';

/** What an invite needs of a host: HostServer has all of it. */
export interface InviteHost {
  readonly identity: { id: string; name: string };
  readonly port: number;
  readonly options: { bind: string; tls: { alsoPlain?: boolean } | null };
  /** The host's certificate: its fingerprint goes in the link, for the desktop app to pin. */
  readonly certificate: { cert: string } | null;
  rooms(): RoomInfo[];
  issueJoinToken(room: string, ttlMs?: number): { token: string; expiresAt: number } | null;
}

export interface InviteOptions {
  room: string;
  /** Token lifetime for a password room (default one day, at most 30). */
  ttlMs?: number;
  /** Adapters whose addresses go in the link (default: the recommended ones). */
  interfaces?: readonly string[];
  /** Use these addresses instead of the adapters'. */
  addresses?: readonly string[];
  /** The machine's adapters (tests pass their own). */
  ranked?: LanInterface[];
}

export interface CreatedInvite {
  url: string;
  invite: Invite;
  /** When the token stops working; null when the room has no password (the link never expires). */
  expiresAt: number | null;
}

/** The addresses an invite should carry for a host bound to `bind`, best first: IPv4 first, then IPv6. */
export function inviteAddresses(bind: string, ranked: LanInterface[], interfaces: readonly string[] = []): string[] {
  if (bind !== '::' && bind !== '0.0.0.0') return [bind];
  const all = chooseInterfaces(ranked, interfaces).flatMap((t) => t.addresses);
  const v4 = all.filter((a) => !a.includes(':'));
  const v6 = bind === '::' ? all.filter((a) => a.includes(':')) : [];
  return [...new Set([...v4, ...v6])].slice(0, MAX_INVITE_ADDRESSES);
}

/** An invite link to one of the host's rooms, with a join token when the room has a password. */
export function createInvite(host: InviteHost, options: InviteOptions): CreatedInvite {
  if (!host.rooms().some((r) => r.name === options.room)) {
    throw new RangeError(`no room named ${JSON.stringify(options.room)}`);
  }
  const addresses = options.addresses?.length
    ? [...options.addresses]
    : inviteAddresses(host.options.bind, options.ranked ?? rankInterfaces(), options.interfaces);
  if (addresses.length === 0) {
    throw new RangeError('this machine has no network address others could use; connect to a network first');
  }
  const issued = host.issueJoinToken(options.room, options.ttlMs);
  const invite: Invite = {
    addresses,
    port: host.port,
    room: options.room,
    name: host.identity.name,
    ...(issued ? { token: issued.token } : {}),
    // Only a host that speaks TLS has a certificate to pin; a link to a TLS-only port is https://.
    ...(host.options.tls && host.certificate ? { fingerprint: fingerprintOf(host.certificate.cert) } : {}),
    ...(host.options.tls && !host.options.tls.alsoPlain ? { secure: true } : {}),
  };
  return { url: formatInvite(invite), invite, expiresAt: issued?.expiresAt ?? null };
}
