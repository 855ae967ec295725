import { isIPv6 } from 'node:net';

/**
 * How the host tells peers apart, for connection caps and password backoff. Each address counts
 * on its own: on a LAN every device of an IPv6 network shares one /64 (SLAAC), so grouping by /64
 * would group the whole LAN. An IPv6 /64 has a cap of its own too, because one machine can use any
 * address of its /64 at will (`ipv6Prefix`).
 */

/** The address as one peer: `::ffff:10.0.0.2` is `10.0.0.2`, a zone (`%eth0`) is dropped, lower case. */
export function peerAddress(address: string): string {
  const plain = address.split('%')[0]!.toLowerCase();
  return plain.startsWith('::ffff:') && plain.includes('.') ? plain.slice(7) : plain;
}

/** The /64 an IPv6 address is in (`2001:db8:1:2::/64`), or null for IPv4. */
export function ipv6Prefix(address: string): string | null {
  const plain = peerAddress(address);
  if (!isIPv6(plain)) return null;
  return `${expandIPv6(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) counts as two groups.
  const last = right.length > 0 ? right : left;
  if (last.length > 0 && last[last.length - 1]!.includes('.')) {
    const [a, b, c, d] = last.pop()!.split('.').map(Number) as [number, number, number, number];
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}
