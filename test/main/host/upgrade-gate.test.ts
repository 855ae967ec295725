import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UpgradeGate } from '../../../src/main/host/upgrade-gate.ts';

// The gate on its own, for IPv6 peers a loopback test cannot open connections from. Requests and
// sockets are the two fields the gate reads (url, headers, remote address) on real streams.
function upgrade(address: string) {
  const socket = Object.assign(new PassThrough(), { remoteAddress: address });
  const req = { url: '/ws', headers: { host: '[fd00::1]:4747' }, socket } as unknown as IncomingMessage;
  return { req, socket };
}

const limits = {
  maxConnections: 100,
  maxConnectionsPerAddress: 2,
  maxConnectionsPerPrefix: 3,
  crowdedConnections: 100,
  maxConnectionsPerAddressCrowded: 1,
};
const rules = { machineName: 'box', allowedHosts: [], allowedOrigins: [] };

describe('UpgradeGate with IPv6 peers', () => {
  it('counts each address of a /64 on its own, and the /64 as a whole against its own cap', () => {
    const gate = new UpgradeGate(limits, rules);
    const admit = (address: string) => {
      const { req, socket } = upgrade(address);
      return { result: gate.admit(req, socket), socket };
    };
    expect(admit('fd00::a').result).toBe('/ws');
    expect(admit('fd00::a').result).toBe('/ws');
    expect(admit('fd00::a').result).toEqual([429, 'Too many connections from this address']);
    const third = admit('fd00::b'); // another device of the same LAN /64 is its own peer…
    expect(third.result).toBe('/ws');
    expect(admit('fd00::c').result).toEqual([429, 'Too many connections from this IPv6 /64']); // …up to the /64's cap
    expect(admit('fd00:0:0:1::c').result).toBe('/ws'); // another /64
    third.socket.emit('close');
    expect(admit('fd00::c').result).toBe('/ws'); // a place freed in the /64
    expect(gate.total).toBe(4);
  });
});
