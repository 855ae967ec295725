import { describe, expect, it } from 'vitest';
import { ipv6Prefix, peerAddress } from '../../../src/main/host/address-group.ts';

describe('peerAddress', () => {
  it('is one peer per address: mapped IPv4 unwrapped, zones dropped, case folded', () => {
    expect(peerAddress('192.168.1.20')).toBe('192.168.1.20');
    expect(peerAddress('::ffff:192.168.1.20')).toBe('192.168.1.20');
    expect(peerAddress('FE80::1%eth0')).toBe('fe80::1');
    // Two devices of one SLAAC /64 are two peers.
    expect(peerAddress('2001:db8:abcd:12::1')).not.toBe(peerAddress('2001:db8:abcd:12::2'));
  });
});

describe('ipv6Prefix', () => {
  it('names the /64 of an IPv6 address however it is written, and nothing for IPv4', () => {
    const prefix = ipv6Prefix('2001:db8:abcd:12::1');
    expect(prefix).toBe('2001:db8:abcd:12::/64');
    expect(ipv6Prefix('2001:0db8:abcd:0012:ffff:ffff:ffff:ffff')).toBe(prefix);
    expect(ipv6Prefix('2001:DB8:ABCD:12:0:0:0:7')).toBe(prefix);
    expect(ipv6Prefix('2001:db8:abcd:13::1')).not.toBe(prefix);
    expect(ipv6Prefix('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipv6Prefix('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
    expect(ipv6Prefix('192.168.1.20')).toBeNull();
    expect(ipv6Prefix('::ffff:10.0.0.1')).toBeNull();
  });
});
