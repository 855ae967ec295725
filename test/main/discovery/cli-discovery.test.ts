import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDiscoveryForHost } from '../../../src/main/discovery/host-discovery.ts';
import { parseCliArgs, USAGE, UsageError } from '../../../src/main/cli/cli-args.ts';
import { runCli } from '../../helpers/host-process.ts';
import { startHost } from '../../helpers/host.ts';
import { testIdentity } from '../../helpers/identity.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-cli-discovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI discovery flags', () => {
  it('announce by default, on the adapters named, or not at all', () => {
    expect(parseCliArgs([])).toMatchObject({ discovery: true, announceInterfaces: [] });
    expect(parseCliArgs(['--announce-interface', 'eth0', '--announce-interface', 'wlan0'])).toMatchObject({
      discovery: true,
      announceInterfaces: ['eth0', 'wlan0'],
    });
    expect(parseCliArgs(['--no-discovery'])).toMatchObject({ discovery: false, announceInterfaces: [] });
    expect(() => parseCliArgs(['--no-discovery', '--announce-interface', 'eth0'])).toThrow(UsageError);
    expect(USAGE).toMatch(/--announce-interface IF/);
    expect(USAGE).toMatch(/--no-discovery/);
  });

  it('refuses an adapter that does not exist before starting, naming those that do', async () => {
    const { code, stderr } = await runCli([
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--data',
      dir,
      '--announce-interface',
      'nosuch0',
    ]);
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(
      /^tincan-host: --announce-interface: no network interface named "nosuch0"; this machine has: .*lo \(loopback\)$/,
    );
  });

  it('contradicting flags are a usage error', async () => {
    const { code, stderr } = await runCli(['--no-discovery', '--announce-interface', 'lo']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--announce-interface and --no-discovery contradict each other/);
  });
});

describe('startDiscoveryForHost', () => {
  it('refuses a host without a certificate: its adverts could not be signed', async () => {
    const h = await startHost();
    try {
      await expect(startDiscoveryForHost(h.host)).rejects.toThrow(/announced with its certificate/);
    } finally {
      await h.stop();
    }
  });

  it('announces nothing for a host bound to loopback, and says why', async () => {
    const { key, cert } = await testIdentity();
    const h = await startHost({ certificate: { key, cert } });
    try {
      const discovery = await startDiscoveryForHost(h.host);
      expect(discovery.targets).toEqual([]);
      expect(discovery.note).toBe('the host listens on 127.0.0.1 only, which no other machine can reach');
      await discovery.stop();
    } finally {
      await h.stop();
    }
  });
});
