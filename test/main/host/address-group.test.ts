import { describe, expect, it } from 'vitest';
import { addressGroup } from '../../../src/main/host/address-group.ts';

describe('addressGroup', () => {
  it('keeps IPv4 addresses whole, mapped or not', () => {
    expect(addressGroup('192.168.1.20')).toBe('192.168.1.20');
    expect(addressGroup('::ffff:192.168.1.20')).toBe('192.168.1.20');
    expect(addressGroup('127.0.0.2')).not.toBe(addressGroup('127.0.0.3'));
  });

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const group = addressGroup('2001:db8:abcd:12::1');
    expect(group).toBe('2001:db8:abcd:12::/64');
    expect(addressGroup('2001:0db8:abcd:0012:ffff:ffff:ffff:ffff')).toBe(group);
    expect(addressGroup('2001:DB8:ABCD:12:0:0:0:7')).toBe(group);
    expect(addressGroup('2001:db8:abcd:13::1')).not.toBe(group);
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });
});
