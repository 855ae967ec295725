import type { NetworkInterfaceInfo } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  DiscoverableHost,
  HostDiscovery,
  HostDiscoveryOptions,
} from '../../../src/main/discovery/host-discovery.ts';
import { rankInterfaces } from '../../../src/main/discovery/interfaces.ts';
import { HostAnnouncer, usableInterfaces } from '../../../src/main/host-control/host-announcer.ts';

// The announcer's own logic (which adapters, when to restart) against stand-ins: startDiscoveryForHost
// itself is tested in test/main/discovery/, and nothing here touches the network.

function v4(address: string, netmask = '255.255.255.0'): NetworkInterfaceInfo {
  return { address, netmask, family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: null };
}

let adapters: NodeJS.Dict<NetworkInterfaceInfo[]> = {};
const ranked = () => rankInterfaces(adapters);

const host: DiscoverableHost = {
  identity: { id: 'host0001', name: 'lanbox' },
  port: 4747,
  options: { bind: '::', tls: null },
  certificate: null, // the announcer hands the host on; startDiscoveryForHost is a stand-in here
  rooms: () => [],
};

interface Started {
  options: HostDiscoveryOptions;
  discovery: HostDiscovery & { refresh: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn> };
}

/** A stand-in for startDiscoveryForHost: announces on the named adapters (or eth*), records every start. */
function fakeStart() {
  const started: Started[] = [];
  const start = vi.fn(async (_host: DiscoverableHost, options: HostDiscoveryOptions) => {
    const names = options.interfaces?.length ? options.interfaces : ['eth0'];
    const targets = names.map((name) => ({
      name,
      kind: 'physical' as const,
      address: '192.0.2.9',
      broadcast: null,
      netmask: '255.255.255.0',
      addresses: ['192.0.2.9'],
    }));
    const discovery = { targets, note: undefined, refresh: vi.fn(async () => {}), stop: vi.fn(async () => {}) };
    started.push({ options, discovery });
    return discovery;
  });
  return { start, started };
}

const logs: string[] = [];
const logger = {
  info: (m: string) => logs.push(m),
  warn: (m: string) => logs.push(m),
  error: (m: string) => logs.push(m),
};
const announcers: HostAnnouncer[] = [];

function announcer(interfaces: string[], start: ReturnType<typeof fakeStart>['start'], checkIntervalMs = 60_000) {
  const a = new HostAnnouncer(host, { interfaces, logger, ranked, start, checkIntervalMs });
  announcers.push(a);
  return a;
}

afterEach(async () => {
  await Promise.all(announcers.splice(0).map((a) => a.stop()));
  logs.length = 0;
  vi.useRealTimers();
});

describe('usableInterfaces', () => {
  it('keeps the named adapters that are present with an IPv4 address, in order', () => {
    adapters = { eth0: [v4('192.168.1.2')], wlan0: [v4('10.0.0.5')], wg0: [] };
    const found = usableInterfaces(ranked(), ['wlan0', 'usb0', 'eth0']);
    expect(found.names).toEqual(['wlan0', 'eth0']);
    expect(found.missing).toEqual(['usb0']);
    expect(usableInterfaces(ranked(), ['usb0']).names).toEqual([]);
  });
});

describe('HostAnnouncer', () => {
  it('announces on the recommended adapters when none is named, and says goodbye on stop', async () => {
    adapters = { eth0: [v4('192.168.1.2')] };
    const { start, started } = fakeStart();
    const a = announcer([], start);
    await a.start();
    expect(start).toHaveBeenCalledTimes(1);
    expect(started[0]!.options.interfaces).toEqual([]);
    expect(a.state).toEqual({ interfaces: ['eth0'] });
    expect(logs).toContain('discovery: announcing on eth0 (192.0.2.9)');
    await a.stop();
    expect(started[0]!.discovery.stop).toHaveBeenCalledTimes(1);
    expect(a.state).toEqual({ interfaces: [] });
  });

  it('announces on the named adapters that are connected, and notes the others', async () => {
    adapters = { eth0: [v4('192.168.1.2')], wlan0: [v4('10.0.0.5')] };
    const { start, started } = fakeStart();
    const a = announcer(['wlan0', 'usb0'], start);
    await a.start();
    expect(started[0]!.options.interfaces).toEqual(['wlan0']);
    expect(a.state).toEqual({ interfaces: ['wlan0'], note: 'usb0 not connected' });
  });

  it('announces nothing, without failing, when none of the named adapters is connected', async () => {
    adapters = { eth0: [v4('192.168.1.2')] };
    const { start } = fakeStart();
    const a = announcer(['usb0'], start);
    await a.start();
    expect(start).not.toHaveBeenCalled();
    expect(a.state).toEqual({
      interfaces: [],
      note: 'none of the chosen adapters (usb0) is connected with an IPv4 address',
    });
  });

  it('restarts on other adapters when the setting changes, and not when it stays the same', async () => {
    adapters = { eth0: [v4('192.168.1.2')], wlan0: [v4('10.0.0.5')] };
    const { start, started } = fakeStart();
    const a = announcer([], start);
    await a.start();
    await a.setInterfaces(['wlan0']);
    expect(started[0]!.discovery.stop).toHaveBeenCalledTimes(1);
    expect(started[1]!.options.interfaces).toEqual(['wlan0']);
    await a.setInterfaces(['wlan0']);
    expect(start).toHaveBeenCalledTimes(2);
    await a.setInterfaces([]);
    expect(started[2]!.options.interfaces).toEqual([]);
    expect(a.state.interfaces).toEqual(['eth0']);
  });

  it('only remembers the adapters while not started', async () => {
    adapters = { wlan0: [v4('10.0.0.5')] };
    const { start, started } = fakeStart();
    const a = announcer([], start);
    await a.setInterfaces(['wlan0']);
    expect(start).not.toHaveBeenCalled();
    await a.start();
    expect(started[0]!.options.interfaces).toEqual(['wlan0']);
  });

  it('re-announces the rooms on refresh', async () => {
    adapters = { eth0: [v4('192.168.1.2')] };
    const { start, started } = fakeStart();
    const a = announcer([], start);
    await a.start();
    await a.refresh();
    expect(started[0]!.discovery.refresh).toHaveBeenCalledTimes(1);
  });

  it('follows a named adapter that comes up, changes address or goes away', async () => {
    vi.useFakeTimers();
    adapters = { eth0: [v4('192.168.1.2')] };
    const { start, started } = fakeStart();
    const a = announcer(['wlan0'], start, 2000);
    await a.start();
    expect(start).not.toHaveBeenCalled();

    adapters = { eth0: [v4('192.168.1.2')], wlan0: [v4('10.0.0.5')] };
    await vi.advanceTimersByTimeAsync(2000);
    expect(started.map((s) => s.options.interfaces)).toEqual([['wlan0']]);
    expect(a.state.interfaces).toEqual(['wlan0']);

    await vi.advanceTimersByTimeAsync(2000); // nothing changed: no restart
    expect(start).toHaveBeenCalledTimes(1);

    adapters = { eth0: [v4('192.168.1.2')], wlan0: [v4('10.0.0.77')] };
    await vi.advanceTimersByTimeAsync(2000);
    expect(start).toHaveBeenCalledTimes(2);
    expect(started[0]!.discovery.stop).toHaveBeenCalledTimes(1);

    adapters = { eth0: [v4('192.168.1.2')] };
    await vi.advanceTimersByTimeAsync(2000);
    expect(started[1]!.discovery.stop).toHaveBeenCalledTimes(1);
    expect(a.state.interfaces).toEqual([]);
  });

  it('never fails when announcing cannot start: the reason shows in the state', async () => {
    adapters = { eth0: [v4('192.168.1.2')] };
    const start = vi.fn(async () => {
      throw new Error('EADDRINUSE 0.0.0.0:5353');
    });
    const a = announcer([], start as unknown as ReturnType<typeof fakeStart>['start']);
    await expect(a.start()).resolves.toBeUndefined();
    expect(a.state).toEqual({ interfaces: [], note: 'discovery did not start: EADDRINUSE 0.0.0.0:5353' });
    expect(logs).toContain('discovery did not start: EADDRINUSE 0.0.0.0:5353');
  });
});
