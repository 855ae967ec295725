import { describe, expect, it } from 'vitest';
import { groupFields, latestValue, unitOf } from '../../../../src/renderer/src/lib/feeds/chart-groups.ts';

describe('unitOf', () => {
  it('knows the host-metrics fields and the usual suffixes; anything else is a plain value', () => {
    expect(['cpu', 'mem', 'rss', 'rx', 'tx', 'connections', 'messages'].map(unitOf)).toEqual([
      'percent',
      'percent',
      'mib',
      'kibps',
      'kibps',
      'count',
      'perSecond',
    ]);
    expect(unitOf('disk_pct')).toBe('percent');
    expect(unitOf('load%')).toBe('percent');
    expect(unitOf('heap_bytes')).toBe('bytes');
    expect(unitOf('heap.mib')).toBe('mib');
    expect(unitOf('net_kbps')).toBe('kibps');
    expect(unitOf('req_per_s')).toBe('perSecond');
    expect(unitOf('errors_total')).toBe('count');
    expect(unitOf('s0')).toBe('value');
    expect(unitOf('temperature')).toBe('value');
  });
});

describe('groupFields', () => {
  it('puts host-metrics on four axes, one unit kind each, in a fixed order; indexes point into the fields', () => {
    const fields = ['cpu', 'mem', 'rss', 'connections', 'messages', 'rx', 'tx'];
    expect(groupFields(fields)).toEqual([
      { scale: 'percent', fields: [0, 1], units: ['percent'] },
      { scale: 'size', fields: [2], units: ['mib'] },
      { scale: 'throughput', fields: [5, 6], units: ['kibps'] },
      { scale: 'count', fields: [3, 4], units: ['count', 'perSecond'] },
    ]);
  });

  it('keeps fields of unknown unit together on one axis, in the order they came', () => {
    expect(groupFields(['b', 'a', 'cpu'])).toEqual([
      { scale: 'percent', fields: [2], units: ['percent'] },
      { scale: 'value', fields: [0, 1], units: ['value'] },
    ]);
    expect(groupFields([])).toEqual([]);
  });
});

describe('latestValue', () => {
  it('is the newest number of a series, skipping the gaps at its end', () => {
    expect(latestValue([1, 2, null, null])).toBe(2);
    expect(latestValue([1, 0])).toBe(0);
    expect(latestValue([null, null])).toBeNull();
    expect(latestValue([])).toBeNull();
  });
});
