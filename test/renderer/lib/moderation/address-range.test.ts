import { describe, expect, it } from 'vitest';
import { parseAddressRange } from '../../../../src/main/host/moderation/address-range.ts';
import { parseRange, suggestedRange } from '../../../../src/renderer/src/lib/moderation/address-range.ts';

const RANGES = [
  '127.0.0.1',
  '127.0.0.0/8',
  '10.0.0.0/24',
  '10.0.0.7/32',
  '0.0.0.0/0',
  '192.168.1.0/23',
  'fd00::/8',
  '::1',
  'fe80::1:2:3:4/64',
  '2001:db8::/32',
  '::ffff:10.1.2.3',
  '::ffff:10.1.2.0/24',
  '1:2:3:4:5:6:7:8/128',
  '1:2:3:4:5:6:1.2.3.4/120',
];
const NOT_RANGES = [
  '',
  '300.0.0.0/8',
  '10.0.0.0/33',
  '10.0.0.0/-1',
  '10.0.0/8',
  '010.0.0.1',
  '10.0.0.1/8/8',
  'fe80::1%eth0',
  '1::2::3',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  '::/129',
  'abcd',
  '12345::',
  '10.0.0.1/ 8',
];
const PEERS = [
  '127.0.0.1',
  '127.9.9.9',
  '128.0.0.1',
  '10.0.0.7',
  '10.0.0.255',
  '10.0.1.0',
  '192.168.0.5',
  '192.168.1.200',
  '192.168.2.1',
  '::ffff:127.0.0.1',
  '::1',
  'fd12::5',
  'fe80::1:2:3:ffff',
  'fe80::2:1:2:3:4',
  '2001:db8:1::1',
  '10.1.2.3',
  '10.1.2.99',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:102:3ff',
];

describe('the ban form’s address ranges', () => {
  it('accepts and refuses exactly what the host does', () => {
    for (const text of RANGES) expect(typeof parseRange(text), text).toBe('object');
    for (const text of NOT_RANGES) {
      expect(typeof parseRange(text), text).toBe('string');
      expect(() => parseAddressRange(text), text).toThrow();
    }
    expect(parseRange('10.0.0.0/33')).toBe('prefix');
    expect(parseRange('::/129')).toBe('prefix');
    expect(parseRange('10.0.0/8')).toBe('invalid');
  });

  it('covers exactly the peers the host’s range covers', () => {
    for (const text of RANGES) {
      const mine = parseRange(text);
      if (typeof mine === 'string') throw new Error(text);
      const host = parseAddressRange(text);
      for (const peer of PEERS) expect(mine.matches(peer), `${text} ∋ ${peer}`).toBe(host.matches(peer));
    }
  });

  it('says how many addresses a range holds, and suggests the /24 or /64 around an address', () => {
    expect((parseRange('127.0.0.0/8') as { size: bigint }).size).toBe(16_777_216n);
    expect((parseRange('10.0.0.1') as { size: bigint }).size).toBe(1n);
    expect(suggestedRange('192.168.1.23')).toBe('192.168.1.0/24');
    expect(suggestedRange('::ffff:192.168.1.23')).toBe('192.168.1.0/24');
    expect(suggestedRange('fe80::1:2:3:4')).toBe('fe80::/64');
    expect(suggestedRange('2001:db8:0:5:1::1')).toBe('2001:db8:0:5::/64');
    expect(typeof parseRange(suggestedRange('fe80::1:2:3:4'))).toBe('object');
  });
});
