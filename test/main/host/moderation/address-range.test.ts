import { describe, expect, it } from 'vitest';
import { parseAddressRange } from '../../../../src/main/host/moderation/address-range.ts';

describe('parseAddressRange', () => {
  it('reads IPv4 ranges and single addresses, matching at the edges of the range', () => {
    const range = parseAddressRange('10.1.2.0/23');
    expect(range.text).toBe('10.1.2.0/23');
    expect(range.matches('10.1.2.0')).toBe(true);
    expect(range.matches('10.1.3.255')).toBe(true);
    expect(range.matches('10.1.4.0')).toBe(false);
    expect(range.matches('10.1.1.255')).toBe(false);
    expect(range.matches('::ffff:10.1.3.1')).toBe(true); // a mapped address is its IPv4 peer
    expect(parseAddressRange('192.168.0.9').text).toBe('192.168.0.9/32');
    expect(parseAddressRange('0.0.0.0/0').matches('8.8.8.8')).toBe(true);
  });

  it('reads IPv6 ranges and never matches across families', () => {
    const range = parseAddressRange('fd00:1:2::/48');
    expect(range.matches('fd00:1:2:ffff::1')).toBe(true);
    expect(range.matches('fd00:1:3::1')).toBe(false);
    expect(range.matches('10.0.0.1')).toBe(false);
    expect(parseAddressRange('FE80::1').text).toBe('fe80::1/128');
    expect(parseAddressRange('::/0').matches('10.0.0.1')).toBe(false);
    expect(parseAddressRange('::ffff:10.0.0.0/24').matches('10.0.0.3')).toBe(true);
  });

  it('refuses what is not an address or has a prefix out of range', () => {
    for (const bad of [
      '',
      'host.local',
      '10.0.0.256',
      '10.0.0.0/33',
      '10.0.0.0/-1',
      'fd00::/129',
      '10.0.0.0/8/8',
      'fe80::1%eth0',
      '10.0.0.0/x',
    ]) {
      expect(() => parseAddressRange(bad), bad).toThrow(RangeError);
    }
    expect(() => parseAddressRange('10.0.0.0/32')).not.toThrow();
    expect(() => parseAddressRange('fd00::/128')).not.toThrow();
  });
});
