import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  broadcastAddress,
  chooseInterfaces,
  classifyInterface,
  interfaceOf,
  prefixLength,
  rankInterfaces,
  sameSubnet,
} from '../../../src/main/discovery/interfaces.ts';

function v4(address: string, netmask = '255.255.255.0', internal = false): NetworkInterfaceInfo {
  return { address, netmask, family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: null };
}
function v6(address: string, prefix = 64, internal = false): NetworkInterfaceInfo {
  const netmask = prefix === 128 ? 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' : 'ffff:ffff:ffff:ffff::';
  return { address, netmask, family: 'IPv6', mac: '02:00:00:00:00:01', internal, cidr: null, scopeid: 0 };
}

/** A laptop with everything: wired, Wi-Fi, Docker, a VM bridge, three VPNs, loopback and an oddity. */
const machine: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [v4('127.0.0.1', '255.0.0.0', true), v6('::1', 128, true)],
  docker0: [v4('172.17.0.1', '255.255.0.0')],
  'br-5f2a': [v4('172.18.0.1', '255.255.0.0')],
  veth1a2b: [v6('fe80::1')],
  virbr0: [v4('192.168.122.1')],
  tun0: [v4('10.8.0.2', '255.255.255.255')],
  wg0: [v4('10.9.0.1')],
  tailscale0: [v4('100.101.102.103', '255.255.255.255')],
  weird0: [v4('192.168.50.2')],
  ts9: [v4('100.64.1.2', '255.192.0.0')],
  wlan0: [v4('10.0.0.5'), v6('fe80::5')],
  eth0: [v4('192.168.1.20'), v6('fe80::20'), v6('fd00::20')],
  'vEthernet (WSL)': [v4('172.25.0.1', '255.255.240.0')],
  'Wi-Fi': [v4('192.168.1.30')],
  eth1: [v4('169.254.10.10', '255.255.0.0')],
};

describe('interface ranking', () => {
  const ranked = rankInterfaces(machine);

  it('puts physical adapters first, then unknown, VPN, virtual and loopback', () => {
    expect(ranked.map((i) => [i.name, i.kind])).toEqual([
      ['eth0', 'physical'],
      ['Wi-Fi', 'physical'],
      ['wlan0', 'physical'],
      ['eth1', 'physical'], // link-local only (no DHCP lease): after the physical ones with a real address
      ['weird0', 'other'],
      ['tailscale0', 'vpn'],
      ['ts9', 'vpn'], // by its 100.64/10 address
      ['tun0', 'vpn'],
      ['wg0', 'vpn'],
      ['br-5f2a', 'virtual'],
      ['docker0', 'virtual'],
      ['vEthernet (WSL)', 'virtual'],
      ['virbr0', 'virtual'],
      ['veth1a2b', 'virtual'],
      ['lo', 'loopback'],
    ]);
  });

  it('recommends the physical adapters with a routable IPv4 address', () => {
    expect(ranked.filter((i) => i.recommended).map((i) => i.name)).toEqual(['eth0', 'Wi-Fi', 'wlan0']);
  });

  it('explains each kind in plain words', () => {
    const reason = (name: string) => ranked.find((i) => i.name === name)!.reason;
    expect(reason('eth0')).toMatch(/wired or Wi-Fi adapter: other machines on the same network can reach it/);
    expect(reason('docker0')).toMatch(/container, VM or virtual adapter: only containers or virtual machines/);
    expect(reason('tun0')).toMatch(/VPN tunnel: machines on your LAN usually cannot reach/);
    expect(reason('ts9')).toMatch(/100\.64\/10 address, typical of Tailscale/);
    expect(reason('lo')).toMatch(/loopback adapter: this computer only/);
    expect(reason('weird0')).toMatch(/unknown type/);
  });

  it('computes prefix, broadcast address and link-local flags', () => {
    const eth0 = ranked.find((i) => i.name === 'eth0')!;
    expect(eth0.addresses).toEqual([
      {
        address: '192.168.1.20',
        family: 'IPv4',
        netmask: '255.255.255.0',
        prefix: 24,
        broadcast: '192.168.1.255',
        linkLocal: false,
      },
      {
        address: 'fe80::20',
        family: 'IPv6',
        netmask: 'ffff:ffff:ffff:ffff::',
        prefix: 64,
        broadcast: null,
        linkLocal: true,
      },
      {
        address: 'fd00::20',
        family: 'IPv6',
        netmask: 'ffff:ffff:ffff:ffff::',
        prefix: 64,
        broadcast: null,
        linkLocal: false,
      },
    ]);
    expect(ranked.find((i) => i.name === 'tun0')!.addresses[0]!.broadcast).toBeNull(); // point-to-point /32
    expect(ranked.find((i) => i.name === 'lo')!.addresses[0]!.broadcast).toBeNull();
    expect(broadcastAddress('172.25.3.4', '255.255.240.0')).toBe('172.25.15.255');
    expect(broadcastAddress('10.0.0.1', '255.255.255.254')).toBeNull();
    expect(prefixLength('255.255.240.0')).toBe(20);
    expect(prefixLength('ffff:ffff:ffff:ff00::')).toBe(56);
    expect(sameSubnet('192.168.1.99', '192.168.1.20', '255.255.255.0')).toBe(true);
    expect(sameSubnet('192.168.2.99', '192.168.1.20', '255.255.255.0')).toBe(false);
  });

  it('falls back to the best kind available when there is no physical adapter, never to loopback', () => {
    const vpnOnly = rankInterfaces({ lo: machine.lo, tun0: machine.tun0, docker0: machine.docker0 });
    expect(vpnOnly.filter((i) => i.recommended).map((i) => i.name)).toEqual(['tun0']);
    expect(rankInterfaces({ lo: machine.lo }).some((i) => i.recommended)).toBe(false);
  });

  it('classifies by name on every OS', () => {
    const kind = (name: string) => classifyInterface(name, [v4('192.168.9.9')]).kind;
    expect(['en0', 'enp3s0', 'wlp2s0', 'Ethernet 2', 'Local Area Connection'].map(kind)).toEqual(
      Array(5).fill('physical'),
    );
    expect(['utun4', 'ppp0', 'ZeroTier One [abc]', 'zt7nnig26', 'OpenVPN TAP-Windows6', 'tap0'].map(kind)).toEqual(
      Array(6).fill('vpn'),
    );
    expect(
      ['vmnet8', 'vboxnet0', 'lxcbr0', 'cni0', 'flannel.1', 'VirtualBox Host-Only Network', 'awdl0', 'bridge100'].map(
        kind,
      ),
    ).toEqual(Array(8).fill('virtual'));
    expect(kind('lo0')).toBe('loopback');
  });
});

describe('chooseInterfaces', () => {
  const ranked = rankInterfaces(machine);

  it('defaults to the recommended adapters, each with its IPv4 address, broadcast and useful addresses', () => {
    expect(chooseInterfaces(ranked)).toEqual([
      {
        name: 'eth0',
        kind: 'physical',
        address: '192.168.1.20',
        broadcast: '192.168.1.255',
        netmask: '255.255.255.0',
        addresses: ['192.168.1.20', 'fd00::20'],
      },
      {
        name: 'Wi-Fi',
        kind: 'physical',
        address: '192.168.1.30',
        broadcast: '192.168.1.255',
        netmask: '255.255.255.0',
        addresses: ['192.168.1.30'],
      },
      {
        name: 'wlan0',
        kind: 'physical',
        address: '10.0.0.5',
        broadcast: '10.0.0.255',
        netmask: '255.255.255.0',
        addresses: ['10.0.0.5'],
      },
    ]);
  });

  it('takes the named adapters in the order given, whatever their kind', () => {
    expect(chooseInterfaces(ranked, ['docker0', 'eth0']).map((t) => t.name)).toEqual(['docker0', 'eth0']);
  });

  it('names the adapters that exist when asked for one that does not', () => {
    expect(() => chooseInterfaces(ranked, ['eth9'])).toThrow(
      /no network interface named "eth9"; this machine has: eth0 \(physical\), Wi-Fi \(physical\), .*lo \(loopback\)/,
    );
    expect(() => chooseInterfaces(ranked, ['veth1a2b'])).toThrow(/veth1a2b has no IPv4 address/);
  });

  it('finds the adapter that holds an address', () => {
    expect(interfaceOf('fd00::20', ranked)?.name).toBe('eth0');
    expect(interfaceOf('::ffff:10.0.0.5', ranked)?.name).toBe('wlan0');
    expect(interfaceOf('10.10.10.10', ranked)).toBeUndefined();
  });
});
