import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostMetrics, readNetDev } from '../../../src/main/feeds/host-metrics.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const netDev = (rx: number, tx: number) => `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 999999     100    0    0    0     0          0         0   999999     100    0    0    0     0       0          0
  eth0: ${rx}     10    0    0    0     0          0         0 ${tx}      10    0    0    0     0       0          0
 wlan0: 1000      1    0    0    0     0          0         0  2000       1    0    0    0     0       0          0
`;

describe('host metrics', () => {
  it('reads /proc/net/dev without loopback, and nothing where it is missing', () => {
    const path = join(dir, 'dev');
    writeFileSync(path, netDev(5000, 7000));
    expect(readNetDev(path)).toEqual({ rx: 6000, tx: 9000 });
    expect(readNetDev(join(dir, 'missing'))).toBeUndefined();
  });

  it('samples rates over the time since the last sample', () => {
    const path = join(dir, 'rates');
    writeFileSync(path, netDev(0, 0));
    let now = 1_000_000;
    let stored = 10;
    const metrics = new HostMetrics({
      connections: () => 3,
      messagesStored: () => stored,
      clock: () => now,
      netDevPath: path,
    });
    writeFileSync(path, netDev(2048 * 2, 1024 * 2));
    now += 2000;
    stored += 50;
    const sample = metrics.sample();
    expect(sample).toMatchObject({ connections: 3, messages: 25, rx: 2, tx: 1 });
    expect(sample.cpu).toBeGreaterThanOrEqual(0);
    expect(sample.cpu).toBeLessThanOrEqual(100);
    expect(sample.mem).toBeGreaterThan(0);
    expect(sample.rss).toBeGreaterThan(10);
    const json = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>;
    for (const value of Object.values(json)) expect(typeof value).toBe('number');
  });
});
