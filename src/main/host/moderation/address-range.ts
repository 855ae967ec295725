import { BlockList, isIP } from 'node:net';
import { peerAddress } from '../address-group.ts';

/** An address range a ban names: its canonical text (`10.0.0.0/24`) and whether an address is in it. */
export interface AddressRange {
  readonly text: string;
  matches(address: string): boolean;
}

/**
 * Read an IP address or a CIDR range. A bare address is a range of one (`/32`, `/128`); an
 * IPv4-mapped IPv6 address reads as its IPv4 address, as peers are counted (address-group.ts).
 * Throws a RangeError a person can act on.
 */
export function parseAddressRange(text: string): AddressRange {
  const [rawAddress = '', rawPrefix, extra] = text.trim().split('/');
  const address = peerAddress(rawAddress);
  const family = isIP(address);
  if (family === 0 || extra !== undefined || rawAddress.includes('%')) {
    throw new RangeError(`${JSON.stringify(text.slice(0, 64))} is not an IP address or a CIDR range`);
  }
  const bits = family === 4 ? 32 : 128;
  const prefix = rawPrefix === undefined ? bits : /^\d{1,3}$/.test(rawPrefix) ? Number(rawPrefix) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    throw new RangeError(`the prefix of ${JSON.stringify(text.slice(0, 64))} must be 0 to ${bits}`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // Node's BlockList does the bit arithmetic for both families.
  const list = new BlockList();
  list.addSubnet(address, prefix, type);
  return {
    text: `${address}/${prefix}`,
    matches: (peer) => {
      const plain = peerAddress(peer);
      // Same family only: BlockList would also match an IPv4 peer against an IPv6 rule (as ::ffff:a.b.c.d).
      return isIP(plain) === family && list.check(plain, type);
    },
  };
}
