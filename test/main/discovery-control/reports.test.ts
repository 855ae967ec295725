import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { diagnosticsReport, lanInterfaces } from '../../../src/main/discovery-control/reports.ts';
import {
  rankInterfaces,
  summarize,
  type BroadcastCheck,
  type MulticastCheck,
  type ReachCheck,
  type RouteCheck,
  type RunDiagnosticsOptions,
} from '../../../src/main/discovery/index.ts';
import { diagnosticsReport as reportSchema, lanInterface } from '../../../src/shared/ipc.ts';

function v4(address: string, netmask = '255.255.255.0', internal = false): NetworkInterfaceInfo {
  return { address, netmask, family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: null };
}
function v6(address: string): NetworkInterfaceInfo {
  return {
    address,
    netmask: 'ffff:ffff:ffff:ffff::',
    family: 'IPv6',
    mac: '02:00:00:00:00:01',
    internal: false,
    cidr: null,
    scopeid: 0,
  };
}

describe('lanInterfaces', () => {
  it('maps the ranked adapters to the contract, best first, addresses as strings', () => {
    const ranked = rankInterfaces({
      lo: [v4('127.0.0.1', '255.0.0.0', true)],
      docker0: [v4('172.17.0.1', '255.255.0.0')],
      eth0: [v4('192.168.1.20'), v6('fd00::20')],
      [`x${'y'.repeat(64)}`]: [v4('10.1.1.1')],
    });
    const list = lanInterfaces(ranked);
    expect(list.map((i) => [i.name, i.kind, i.recommended])).toEqual([
      ['eth0', 'physical', true],
      ['docker0', 'virtual', false],
      ['lo', 'loopback', false],
    ]);
    expect(list[0]).toEqual({
      name: 'eth0',
      kind: 'physical',
      reason: 'eth0 looks like a wired or Wi-Fi adapter: other machines on the same network can reach it',
      addresses: ['192.168.1.20', 'fd00::20'],
      recommended: true,
    });
    for (const i of list) expect(lanInterface.strict().safeParse(i).success).toBe(true);
  });

  it('reads the machine’s adapters by default', () => {
    const list = lanInterfaces();
    expect(list.some((i) => i.kind === 'loopback')).toBe(true);
    for (const i of list) expect(lanInterface.safeParse(i).success).toBe(true);
  });
});

const multicast: MulticastCheck = {
  check: 'multicast',
  interface: 'eth0',
  address: '192.168.1.30',
  listenedMs: 3000,
  packets: 0,
  responders: [],
  tincanResponders: [],
  status: 'fail',
  summary: 'Nothing was heard over multicast on eth0 (192.168.1.30) within 3 s.',
  advice: ['The network may filter multicast.'],
};
const broadcast: BroadcastCheck = {
  check: 'broadcast',
  port: 47470,
  listenedMs: 4500,
  hosts: [{ id: 'abcd1234', name: 'lanbox', from: '192.168.1.20', port: 4747, announcesMdns: true }],
  invalid: 0,
  status: 'ok',
  summary: 'The broadcast fallback hears 1 Tincan host(s): lanbox (192.168.1.20).',
  advice: [],
};
const reach: ReachCheck = {
  check: 'reach',
  address: '192.168.1.20',
  port: 4747,
  tcp: 'timeout',
  tcpMs: null,
  health: null,
  status: 'fail',
  summary: 'No answer from 192.168.1.20:4747 within 3000 ms.',
  advice: ['The host\u2019s firewall may block TCP port 4747: allow Tincan there.'],
};
const route: RouteCheck = {
  check: 'route',
  address: '192.168.1.20',
  sourceAddress: '192.168.1.30',
  interface: 'eth0',
  kind: 'physical',
  status: 'ok',
  summary: 'To reach 192.168.1.20, this machine would use eth0 (192.168.1.30).',
  advice: [],
};

/** A stand-in for runDiagnostics that records its options and answers with fixed checks. */
function fakeRun() {
  return vi.fn(async (options: RunDiagnosticsOptions) => {
    const input = {
      multicast: [multicast],
      broadcast,
      reach: options.target ? [reach] : [],
      route: options.target ? [route] : [],
    };
    return { ...input, diagnosis: summarize(input) };
  });
}

describe('diagnosticsReport', () => {
  it('runs the discovery checks only when no address is given', async () => {
    const run = fakeRun();
    const report = await diagnosticsReport({}, { run });
    expect(run).toHaveBeenCalledWith({});
    expect(report).toEqual({
      verdict: 'multicast-blocked',
      headline: summarize({ multicast: [multicast], broadcast }).headline,
      checks: [
        { check: 'multicast', status: 'fail', summary: multicast.summary },
        { check: 'broadcast', status: 'ok', summary: broadcast.summary },
      ],
      // Findings that restate a check are left out; the reasoning lines stay.
      evidence: summarize({ multicast: [multicast], broadcast }).findings.filter(
        (f) => f !== multicast.summary && f !== broadcast.summary,
      ),
      advice: summarize({ multicast: [multicast], broadcast }).advice,
    });
    expect(reportSchema.strict().safeParse(report).success).toBe(true);
  });

  it('checks reaching host:port, one entry per check, and passes ids to ignore and the options', async () => {
    const run = fakeRun();
    const report = await diagnosticsReport(
      { address: '192.168.1.20:4747', ignoreIds: ['mine0001'] },
      { run, options: { listenMs: 500, beaconPort: 47999 } },
    );
    expect(run).toHaveBeenCalledWith({
      listenMs: 500,
      beaconPort: 47999,
      target: { address: '192.168.1.20', port: 4747 },
      ignoreIds: ['mine0001'],
    });
    expect(report.verdict).toBe('unreachable');
    expect(report.checks.map((c) => c.check)).toEqual(['multicast', 'broadcast', 'route', 'reach']);
    expect(report.advice).toContain(reach.advice[0]);
  });

  it('takes the default port and IPv6 literals as people type them', async () => {
    const run = fakeRun();
    await diagnosticsReport({ address: '10.0.0.2' }, { run });
    await diagnosticsReport({ address: '[fd00::2]:5000' }, { run });
    expect(run.mock.calls.map(([o]) => o.target)).toEqual([
      { address: '10.0.0.2', port: 4747 },
      { address: 'fd00::2', port: 5000 },
    ]);
  });

  it('resolves a host name first, so the route check has an address; keeps the name when it does not resolve', async () => {
    const run = fakeRun();
    const lookup = vi.fn(async (name: string) => {
      if (name === 'lanbox.local') return '192.168.1.20';
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    });
    await diagnosticsReport({ address: 'lanbox.local:4747' }, { run, lookup });
    await diagnosticsReport({ address: 'nowhere.invalid:4747' }, { run, lookup });
    expect(run.mock.calls.map(([o]) => o.target)).toEqual([
      { address: '192.168.1.20', port: 4747 },
      { address: 'nowhere.invalid', port: 4747 },
    ]);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('refuses what is not host:port', async () => {
    const run = fakeRun();
    await expect(diagnosticsReport({ address: 'http://a b' }, { run })).rejects.toThrow(TypeError);
    expect(run).not.toHaveBeenCalled();
  });
});
