import { z } from 'zod';
import { roomName } from '../../shared/protocol/index.ts';
import { hostIdOfKey, signWithKey, verifyWithKey } from '../tls/index.ts';
import { cutUtf8 } from '../../shared/cut-text.ts';

/** DNS-SD service type: instances are `<name>._tincan._tcp.local`. */
export const SERVICE_TYPE = 'tincan';
export const SERVICE_PROTOCOL = 'tcp';
/** Version of the TXT keys below (`txtvers`, the DNS-SD convention). */
export const TXT_VERSION = 2;
/** One TXT string (`key=value`) holds at most 255 bytes (RFC 6763 §6.1). */
export const MAX_TXT_STRING_BYTES = 255;

/** UDP port of the broadcast beacon (fallback for networks that filter multicast). */
export const BEACON_PORT = 47470;
export const BEACON_INTERVAL_MS = 2000;
/** A beacon is one UDP datagram of at most this many bytes (well under any LAN MTU); larger ones are ignored. */
export const MAX_BEACON_BYTES = 1024;
export const BEACON_MAGIC = 'tincan-beacon';
export const BEACON_VERSION = 2;
/** A host is dropped after this many beacon intervals without one. */
export const MISSED_BEACONS = 3;
const MAX_BEACON_ADDRESSES = 8;

/** What a host tells the LAN about itself, by mDNS TXT record and by beacon. */
export interface Advert {
  /**
   * HostServer.identity.id: the hash of `key` (tls/host-identity.ts). A received advert's id is always
   * the one its key gives; an advert that claimed another keeps that claim in `claimedId`.
   */
  id: string;
  /** The host's public key, SPKI DER in base64url (P-256: 122 characters). */
  key: string;
  /** SHA-256 of the host's certificate, 64 lowercase hex digits: what a client pins. */
  fingerprint: string;
  /** The host's port speaks TLS (https:, wss:). */
  tls: boolean;
  /** Set on a received advert whose `id` was not its key's: someone else's id, claimed without its key. */
  claimedId?: string;
  name: string;
  /** TCP port of the host's HTTP + WebSocket server. */
  port: number;
  /** PROTOCOL_VERSION the host speaks. */
  protocol: number;
  /** Room names; possibly cut short to fit, then `roomsTruncated` is true. */
  rooms: string[];
  roomsTruncated: boolean;
}

export const hostId = z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be 4–64 letters, digits, _ or -');
/** SPKI DER of a P-256 key in base64url is 122 characters; some room for other curves' encodings. */
export const publicKeyText = z.string().regex(/^[A-Za-z0-9_-]{80,200}$/, 'must be a base64url public key');
export const fingerprintText = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const ipLiteral = z.union([z.ipv4(), z.ipv6()]);
const port = z.int().min(1).max(65535);
/** Host names follow the same rules as room names: printable, trimmed, 1–64 characters. */
const hostName = roomName;

const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s).length;

/** Cut `text` to at most `max` UTF-8 bytes without splitting a character, and trim what ends it. */
export function truncateUtf8(text: string, max: number): string {
  return bytes(text) <= max ? text : cutUtf8(text, max).trimEnd();
}

// Room names may hold commas; in the TXT list `%` and `,` are percent-encoded.
const escapeRoom = (room: string) => room.replace(/%/g, '%25').replace(/,/g, '%2C');
const unescapeRoom = (text: string) => text.replace(/%(2C|25)/gi, (m) => (m.toUpperCase() === '%2C' ? ',' : '%'));

/** The longest prefix of `rooms` whose comma list fits in `max` bytes. */
function fitRooms(rooms: readonly string[], max: number): { list: string; count: number } {
  let list = '';
  let count = 0;
  for (const room of rooms) {
    const next = count === 0 ? escapeRoom(room) : `${list},${escapeRoom(room)}`;
    if (bytes(next) > max) break;
    list = next;
    count++;
  }
  return { list, count };
}

/** TXT record for the mDNS announcement; every string fits the 255-byte limit. */
export function encodeTxt(advert: Advert): Record<string, string> {
  const txt: Record<string, string> = {
    txtvers: String(TXT_VERSION),
    proto: String(advert.protocol),
    id: advert.id,
    name: truncateUtf8(advert.name, MAX_TXT_STRING_BYTES - 'name='.length),
    port: String(advert.port),
    key: advert.key,
    fp: advert.fingerprint,
    tls: advert.tls ? '1' : '0',
  };
  const { list, count } = fitRooms(advert.rooms, MAX_TXT_STRING_BYTES - 'rooms='.length);
  txt.rooms = list;
  if (count < advert.rooms.length || advert.roomsTruncated) txt.more = '1';
  return txt;
}

const txtSchema = z.object({
  txtvers: z.string().optional(),
  proto: z.string().regex(/^\d{1,6}$/),
  id: hostId,
  name: z.string().min(1).max(MAX_TXT_STRING_BYTES),
  port: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional(),
  rooms: z.string().max(MAX_TXT_STRING_BYTES).optional(),
  more: z.string().optional(),
  key: publicKeyText,
  fp: fingerprintText,
  tls: z.enum(['0', '1']).optional(),
});

/**
 * The advert in a TXT record as bonjour-service decodes it (key → string), or null when it is not a
 * Tincan host's. `srvPort` (from the SRV record) wins over the TXT `port`.
 */
export function decodeTxt(txt: unknown, srvPort?: number): Advert | null {
  const parsed = txtSchema.safeParse(txt);
  if (!parsed.success) return null;
  const t = parsed.data;
  const portNumber = srvPort ?? Number(t.port);
  const name = hostName.safeParse(t.name);
  if (!port.safeParse(portNumber).success || !name.success) return null;
  const rooms = t.rooms ? t.rooms.split(',').map(unescapeRoom) : [];
  const valid = rooms.filter((r) => roomName.safeParse(r).success);
  return {
    ...identityOf(t.id, t.key),
    fingerprint: t.fp,
    tls: t.tls === '1',
    name: name.data,
    port: portNumber,
    protocol: Number(t.proto),
    rooms: valid,
    roomsTruncated: t.more === '1' || valid.length < rooms.length,
  };
}

/** The id `key` gives, and the claimed id when it was another (an impostor's or a broken advert). */
function identityOf(claimed: string, key: string): Pick<Advert, 'id' | 'key' | 'claimedId'> {
  const id = hostIdOfKey(key);
  return claimed === id ? { id, key } : { id, key, claimedId: claimed };
}

/** One beacon datagram, as sent (JSON). */
export const beaconSchema = z.object({
  t: z.literal(BEACON_MAGIC),
  v: z.literal(BEACON_VERSION),
  id: hostId,
  name: hostName,
  port,
  proto: z.int().min(1).max(999_999),
  rooms: z.array(roomName).max(256),
  more: z.boolean().default(false),
  /** The host's addresses, the sending adapter's first. The datagram's source address comes first anyway. */
  addrs: z.array(ipLiteral).max(MAX_BEACON_ADDRESSES).default([]),
  /** The sender's interval in ms: a listener drops the host after MISSED_BEACONS of them. */
  every: z.int().min(250).max(60_000),
  /** Whether the host also announces over mDNS (lets diagnostics tell "multicast blocked" apart). */
  mdns: z.boolean().default(false),
  /** Sent once when the host stops: forget it now. */
  bye: z.boolean().default(false),
  /** The host's public key (SPKI DER, base64url): `id` is its hash, `sig` is made with it. */
  key: publicKeyText,
  /** SHA-256 of the host's certificate (64 hex): the pin for its TLS port. */
  fp: fingerprintText,
  /** The host's port speaks TLS. */
  tls: z.boolean().default(false),
  /** The sender's clock in ms, strictly increasing from one beacon to the next: a replay is older. */
  ts: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** ECDSA P-256 / SHA-256 signature (r‖s, base64url) of the datagram up to this member (see SIGNATURE). */
  sig: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});
export type Beacon = z.infer<typeof beaconSchema>;

export interface BeaconFields {
  advert: Advert;
  addresses: string[];
  everyMs: number;
  mdns: boolean;
  bye?: boolean;
  /** The host's private key (PEM), the pair of `advert.key`: every beacon is signed with it. */
  privateKey: string;
  /** The beacon's timestamp (ms); the sender keeps it strictly increasing. */
  ts: number;
}

/**
 * A beacon's signature is its last member, `,"sig":"<86 characters>"}`. The signed bytes are the
 * datagram without it: everything before `,"sig":"`, then `}` — itself a JSON object, so a receiver
 * verifies exactly the bytes it got, with no canonical re-encoding.
 */
const SIGNATURE_TAIL = /,"sig":"([A-Za-z0-9_-]{86})"\}$/;
const SIGNATURE_PLACEHOLDER = 'A'.repeat(86);

/** Beacon text signed with `privateKey`: `json` (an object's JSON) with its signature as last member. */
function signed(json: string, privateKey: string): Buffer {
  const sig = signWithKey(privateKey, Buffer.from(json));
  return Buffer.from(`${json.slice(0, -1)},"sig":"${sig}"}`);
}

/** The beacon datagram; rooms are dropped from the end (and `more` set) until it fits MAX_BEACON_BYTES. */
export function encodeBeacon({ advert, addresses, everyMs, mdns, bye = false, privateKey, ts }: BeaconFields): Buffer {
  const rooms = advert.rooms.filter((r) => roomName.safeParse(r).success).slice(0, 256);
  const base = {
    t: BEACON_MAGIC,
    v: BEACON_VERSION,
    id: advert.id,
    name: truncateUtf8(advert.name, 64),
    port: advert.port,
    proto: advert.protocol,
    rooms,
    more: advert.roomsTruncated || rooms.length < advert.rooms.length,
    addrs: addresses.filter((a) => ipLiteral.safeParse(a).success).slice(0, MAX_BEACON_ADDRESSES),
    every: everyMs,
    mdns,
    bye,
    key: advert.key,
    fp: advert.fingerprint,
    tls: advert.tls,
    ts,
  };
  // Sized with a placeholder signature of the same length, then signed once it fits.
  const size = (json: string) => Buffer.byteLength(json) + `,"sig":"${SIGNATURE_PLACEHOLDER}"`.length;
  let json = JSON.stringify(base);
  // Cut rooms by halves, then one by one: a few passes even for hundreds of long names.
  let keep = rooms.length;
  while (size(json) > MAX_BEACON_BYTES && keep > 0) {
    const over = size(json) - MAX_BEACON_BYTES;
    keep = over > 200 ? Math.floor(keep / 2) : keep - 1;
    json = JSON.stringify({ ...base, rooms: rooms.slice(0, keep), more: true });
  }
  return signed(json, privateKey);
}

export type BeaconDecoded = { ok: true; beacon: Beacon } | { ok: false; reason: string };

/**
 * Validate a received datagram. Anything that is not a well-formed beacon signed by the key it
 * carries is refused with a reason. (Whether that key is the one of the id it claims is
 * advertOfBeacon's business: such a beacon is a different host, not a broken datagram.)
 */
export function decodeBeacon(data: Uint8Array): BeaconDecoded {
  if (data.length > MAX_BEACON_BYTES) return { ok: false, reason: `too large (${data.length} bytes)` };
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || (value as { t?: unknown }).t !== BEACON_MAGIC) {
    return { ok: false, reason: 'not a Tincan beacon' };
  }
  const parsed = beaconSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `invalid ${issue.path.join('.') || 'beacon'}: ${issue.message}` };
  }
  const text = Buffer.from(data).toString('utf8');
  const tail = SIGNATURE_TAIL.exec(text);
  if (!tail) return { ok: false, reason: 'sig is not the last member' };
  const body = Buffer.from(`${text.slice(0, tail.index)}}`);
  if (!verifyWithKey(parsed.data.key, body, tail[1]!)) return { ok: false, reason: 'bad signature' };
  return { ok: true, beacon: parsed.data };
}

/** The advert a beacon carries, under the id its key gives (see Advert.claimedId). */
export function advertOfBeacon(b: Beacon): Advert {
  return {
    ...identityOf(b.id, b.key),
    fingerprint: b.fp,
    tls: b.tls,
    name: b.name,
    port: b.port,
    protocol: b.proto,
    rooms: b.rooms,
    roomsTruncated: b.more,
  };
}
