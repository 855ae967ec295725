/**
 * IP addresses and CIDR ranges for the ban form, read the way the host reads them
 * (src/main/host/moderation/address-range.ts, which uses Node's BlockList; the page has no Node):
 * IPv4 or IPv6, an optional `/prefix`, an IPv4-mapped IPv6 address read as its IPv4 address, no
 * zone ids. The form checks a range here before sending it and finds the connections it covers.
 */

export type RangeProblem = 'invalid' | 'prefix';

export interface ParsedRange {
  /** 32 for IPv4, 128 for IPv6. */
  readonly bits: 32 | 128;
  /** How many addresses it covers, for the warning (2 ** (bits - prefix)). */
  readonly size: bigint;
  matches(address: string): boolean;
}

const V4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => V4_PART.test(p))) return null;
  return parts.reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(text: string): bigint | null {
  if (text.split('::').length > 2) return null;
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const groups = (side: string): bigint[] | null => {
    if (side === '') return [];
    const out: bigint[] = [];
    const parts = side.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseV4(part); // an embedded IPv4 address is the last two groups
        if (v4 === null) return null;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(BigInt(`0x${part}`));
      else return null;
    }
    return out;
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  if (!left || !right) return null;
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<bigint>(tail === undefined ? 0 : missing).fill(0n), ...right];
  return all.reduce((n, g) => (n << 16n) | g, 0n);
}

/** An address as [value, bits]; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) reads as IPv4. */
function parseAddress(text: string): [bigint, 32 | 128] | null {
  const v4 = parseV4(text);
  if (v4 !== null) return [v4, 32];
  if (!text.includes(':')) return null;
  const v6 = parseV6(text);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return [v6 & 0xffffffffn, 32];
  return [v6, 128];
}

function v4Text(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 0xffn)).join('.');
}

/** Read `text` as an address or a CIDR range; a RangeProblem when it is neither. */
export function parseRange(text: string): ParsedRange | RangeProblem {
  const [rawAddress = '', rawPrefix, extra] = text.trim().split('/');
  if (extra !== undefined || rawAddress.includes('%')) return 'invalid';
  const parsed = parseAddress(rawAddress);
  if (!parsed) return 'invalid';
  const [value, bits] = parsed;
  const prefix = rawPrefix === undefined ? bits : /^\d{1,3}$/.test(rawPrefix) ? Number(rawPrefix) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return 'prefix';
  const shift = BigInt(bits - prefix);
  return {
    bits,
    size: 1n << shift,
    matches(address: string): boolean {
      const peer = parseAddress(address);
      // Same family only, as the host matches.
      return peer !== null && peer[1] === bits && peer[0] >> shift === value >> shift;
    },
  };
}

/** A first range to offer for an address: its /24 (IPv4) or /64 (IPv6). */
export function suggestedRange(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return address;
  const [value, bits] = parsed;
  if (bits === 32) return `${v4Text((value >> 8n) << 8n)}/24`;
  const groups = [48n, 32n, 16n, 0n].map((s) => (((value >> 64n) >> s) & 0xffffn).toString(16));
  while (groups.at(-1) === '0') groups.pop(); // the zeros run into the `::`
  return `${groups.join(':')}::/64`;
}
