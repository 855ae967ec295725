import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, type NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow as ElectronWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, Notification, resetElectronFake, shell } from '../fakes/electron.ts';
import { DiscoveryService } from '../../src/main/discovery-control/discovery-service.ts';
import {
  Discovery,
  rankInterfaces,
  runDiagnostics,
  type RunDiagnosticsOptions,
  type Sighting,
} from '../../src/main/discovery/index.ts';
import { HostController } from '../../src/main/host-control/host-controller.ts';
import type { IpcServices } from '../../src/main/ipc.ts';
import { PinStore } from '../../src/main/pins/index.ts';
import { createIpcServices, ignoreOwnHost, startHostingOnLaunch } from '../../src/main/services.ts';
import { SettingsStore } from '../../src/main/settings/settings-store.ts';
import { parseInvite } from '../../src/shared/invite.ts';
import { IPC_CHANNELS } from '../../src/shared/ipc.ts';
import { TestClient } from '../helpers/test-client.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

// Everything here stays on this machine: the host listens on loopback (which is never announced), the
// discovered hosts come from a real Discovery fed by the test (no network sources), and the diagnostics
// see only a loopback adapter and listen for beacons on a free port of their own.

const workerUrl = new URL('../../src/main/host-control/host-worker.ts', import.meta.url);
const silent = { info() {}, warn() {}, error() {} };

function v4(address: string, netmask = '255.255.255.0', internal = false): NetworkInterfaceInfo {
  return { address, netmask, family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: null };
}
const loopbackOnly = () => rankInterfaces({ lo: [v4('127.0.0.1', '255.0.0.0', true)] });

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: string;
let settings: SettingsStore;
let host: HostController;
let services: IpcServices;
let discovery: DiscoveryService;
let heard: Discovery;
let diagnosed: RunDiagnosticsOptions[];

const sighting = (id: string, name: string): Sighting => ({
  via: 'broadcast',
  advert: {
    id,
    key: 'k'.repeat(122),
    fingerprint: 'ab'.repeat(32),
    tls: true,
    name,
    port: 4747,
    protocol: 1,
    rooms: ['general'],
    roomsTruncated: false,
  },
  addresses: ['192.0.2.10'],
  ttlMs: 60_000,
  verified: true,
});

beforeEach(async () => {
  resetElectronFake();
  dir = await mkdtemp(join(tmpdir(), 'tincan-services-'));
  settings = await SettingsStore.open({ dir, userName: () => 'ann', logger: silent });
  host = new HostController({
    workerUrl,
    dataDir: join(dir, 'host'),
    bind: '127.0.0.1',
    hostName: 'test-box',
    logger: silent,
  });
  discovery = new DiscoveryService({
    pushIntervalMs: 0,
    start: async (options) => {
      heard = new Discovery({ sources: [], ...(options.ignoreIds ? { ignoreIds: options.ignoreIds } : {}) });
      await heard.start();
      return heard;
    },
  });
  await discovery.start();
  diagnosed = [];
  const beaconPort = await freeUdpPort();
  services = createIpcServices({
    settings,
    host,
    discovery,
    pins: new PinStore(settings),
    windows: () => BrowserWindow.getAllWindows() as unknown as ElectronWindow[],
    interfaces: loopbackOnly,
    diagnostics: {
      run: (options) => {
        diagnosed.push(options);
        return runDiagnostics(options);
      },
      options: { ranked: loopbackOnly(), listenMs: 300, beaconPort },
    },
    logger: silent,
  });
});

afterEach(async () => {
  await Promise.all([host.stop(), discovery.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('hosting services', () => {
  it('remember the hosted rooms, so the next launch hosts them again; stopping forgets them', async () => {
    const started = await services.startHosting({ port: 0, rooms: [{ name: 'general' }, { name: 'ops' }] });
    expect(started.state).toBe('running');
    expect(settings.get().hostedRooms).toEqual(['general', 'ops']);

    await services.createRoom({ name: 'lab', password: 'secret' });
    expect(settings.get().hostedRooms).toEqual(['general', 'ops', 'lab']);
    const status = await services.getHostStatus();
    expect(status.rooms.find((r) => r.name === 'lab')?.locked).toBe(true);

    expect((await services.stopHosting()).state).toBe('stopped');
    expect(settings.get().hostedRooms).toEqual([]);
  });

  it('use the port from the settings when the call names none', async () => {
    await settings.update({ port: 5151 });
    const start = vi.spyOn(host, 'start').mockResolvedValue(host.status());
    await services.startHosting({ rooms: [{ name: 'general' }] });
    expect(start).toHaveBeenCalledWith({ port: 5151, rooms: [{ name: 'general' }], announceInterfaces: [], tls: true });
  });

  it('leave the settings alone when the host fails to start', async () => {
    const blocker = new HostController({ workerUrl, dataDir: null, bind: '127.0.0.1', logger: silent });
    const { port } = await blocker.start({ port: 0, rooms: [] });
    try {
      const status = await services.startHosting({ port: port!, rooms: [{ name: 'general' }] });
      expect(status).toMatchObject({ state: 'failed', error: `Port ${port} is already in use` });
      expect(settings.get().hostedRooms).toEqual([]);
    } finally {
      await blocker.stop();
    }
  });
});

describe('startHostingOnLaunch', () => {
  it('does nothing when no rooms are listed', async () => {
    expect(await startHostingOnLaunch(settings, host)).toBeNull();
    expect(host.status().state).toBe('stopped');
  });

  it('hosts the listed rooms on the configured port', async () => {
    await settings.update({ hostedRooms: ['general', 'ops'], port: 5151, announceInterfaces: ['eth1'] });
    const start = vi.spyOn(host, 'start').mockResolvedValue(host.status());
    await startHostingOnLaunch(settings, host);
    expect(start).toHaveBeenCalledWith({
      port: 5151,
      rooms: [{ name: 'general' }, { name: 'ops' }],
      announceInterfaces: ['eth1'],
      tls: true,
    });
  });
});

describe('desktop services', () => {
  it('notify and openExternal reach the desktop', async () => {
    new BrowserWindow();
    await services.notify({ title: 't', body: 'b' });
    expect(Notification.instances).toHaveLength(1);
    await services.openExternal('https://example.com/');
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  it('settings pass through the store', async () => {
    expect(await services.updateSettings({ nickname: 'bo' })).toMatchObject({ nickname: 'bo' });
    expect(await services.getSettings()).toMatchObject({ nickname: 'bo' });
  });
});

describe('announcing services', () => {
  const LOOPBACK_NOTE = 'the host listens on 127.0.0.1 only, which no other machine can reach';

  it('announce the started host on the adapters of the settings, and follow a change at once', async () => {
    await settings.update({ announceInterfaces: ['tincan-nowhere0'] });
    await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    expect(host.announcing()).toEqual({
      interfaces: [],
      note: 'none of the chosen adapters (tincan-nowhere0) is connected with an IPv4 address',
    });

    const announceOn = vi.spyOn(host, 'announceOn');
    await services.updateSettings({ nickname: 'bo' });
    expect(announceOn).not.toHaveBeenCalled();
    expect(await services.updateSettings({ announceInterfaces: [] })).toMatchObject({ announceInterfaces: [] });
    expect(announceOn).toHaveBeenCalledWith([]);
    expect(host.announcing()).toEqual({ interfaces: [], note: LOOPBACK_NOTE });
  });

  it('save the adapters while not hosting, for the next start', async () => {
    await services.updateSettings({ announceInterfaces: ['lo'] });
    expect(settings.get().announceInterfaces).toEqual(['lo']);
    await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    expect(host.announcing()).toEqual({ interfaces: [], note: LOOPBACK_NOTE });
  });
});

describe('discovery services', () => {
  it('getDiscoveredHosts lists the hosts heard, leaving out this app’s own once it has hosted', async () => {
    ignoreOwnHost(host, discovery);
    heard.see(sighting('other001', 'lanbox'));
    expect(await services.getDiscoveredHosts()).toEqual([
      expect.objectContaining({ id: 'other001', name: 'lanbox', addresses: ['192.0.2.10'], via: ['broadcast'] }),
    ]);

    await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    const own = host.hostId()!;
    expect(own).toMatch(/^[a-z2-7]{26}$/); // its certificate key's hash
    heard.see(sighting(own, 'test-box'));
    const hosts = await services.getDiscoveredHosts();
    expect(hosts.map((h) => h.id)).toEqual(['other001']);
    expect(IPC_CHANNELS.getDiscoveredHosts.result.safeParse(hosts).success).toBe(true);
  });

  it('listInterfaces lists the adapters in the contract’s shape', async () => {
    const list = await services.listInterfaces();
    expect(list).toEqual([
      {
        name: 'lo',
        kind: 'loopback',
        reason: 'lo is the loopback adapter: this computer only',
        addresses: ['127.0.0.1'],
        recommended: false,
      },
    ]);
    expect(IPC_CHANNELS.listInterfaces.result.safeParse(list).success).toBe(true);
  });

  it('runDiagnostics reaches a real host on loopback, leaving out the own host’s beacons', async () => {
    const { port } = await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    const report = await services.runDiagnostics({ address: `127.0.0.1:${port}` });
    expect(IPC_CHANNELS.runDiagnostics.result.safeParse(report).success).toBe(true);
    expect(diagnosed).toHaveLength(1);
    expect(diagnosed[0]).toMatchObject({ target: { address: '127.0.0.1', port }, ignoreIds: [host.hostId()] });

    const reach = report.checks.find((c) => c.check === 'reach');
    expect(reach).toEqual({
      check: 'reach',
      status: 'ok',
      summary: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port} answers: Tincan host "test-box"`)),
    });
    expect(report.checks.map((c) => c.check)).toEqual(['multicast', 'broadcast', 'route', 'reach']);
    expect(report.verdict).toBe('no-host-heard');
    expect(report.headline).toBeTruthy();
    expect(report.advice.length).toBeGreaterThan(0);
  });

  it('runDiagnostics says when nothing listens at the address', async () => {
    const port = await freeTcpPort();
    const report = await services.runDiagnostics({ address: `127.0.0.1:${port}` });
    expect(report.checks.find((c) => c.check === 'reach')).toEqual({
      check: 'reach',
      status: 'fail',
      summary: `127.0.0.1 is reachable, but nothing listens on port ${port}.`,
    });
    expect(report.advice).toContain('Is Tincan hosting on that machine, and is the port right (4747 by default)?');
  });

  it('runDiagnostics runs once for calls that overlap', async () => {
    const [a, b] = await Promise.all([services.runDiagnostics({}), services.runDiagnostics({})]);
    expect(a).toBe(b);
    expect(diagnosed).toHaveLength(1);
    expect(diagnosed[0]!.target).toBeUndefined();
    expect(a.checks.map((c) => c.check)).toEqual(['multicast', 'broadcast']);
  });
});

describe('announcement service', () => {
  it('refuses when not hosting, and posts into the running host where members see it', async () => {
    await expect(services.postAnnouncement({ text: 'hi', level: 'info' })).rejects.toThrow(
      'The host is not running: start hosting first',
    );
    const { port } = await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    await expect(services.postAnnouncement({ text: 'hi', level: 'info', room: 'lab' })).rejects.toThrow(
      'Could not post the announcement: no room named "lab"',
    );
    const client = await TestClient.greeted(`ws://127.0.0.1:${port}/ws`, 'cy');
    try {
      client.send({ type: 'join', room: 'general' });
      await client.next('joined');
      const stored = await services.postAnnouncement({ text: 'Pizza in the kitchen', level: 'info' });
      expect(IPC_CHANNELS.postAnnouncement.result.safeParse(stored).success).toBe(true);
      expect(stored).toEqual([{ room: 'general', seq: 1 }]);
      expect(await client.next('message')).toMatchObject({
        kind: 'announcement',
        text: 'Pizza in the kitchen',
        from: { source: 'operator', device: 'host' },
      });
    } finally {
      await client.close();
    }
  });
});

describe('feed service', () => {
  it('runs a command as a feed of a room of the running host, without a shell, shared by members', async () => {
    await expect(services.attachFeed({ room: 'general', command: 'echo hi', stdin: 'nobody' })).rejects.toThrow(
      'The host is not running: start hosting first',
    );
    const { port } = await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    await expect(services.attachFeed({ room: 'lab', command: 'echo hi', stdin: 'nobody' })).rejects.toThrow(
      'There is no room named "lab" on this host',
    );
    await expect(services.attachFeed({ room: 'general', command: "echo 'open", stdin: 'nobody' })).rejects.toThrow(
      'The command cannot be read',
    );
    const client = await TestClient.greeted(`ws://127.0.0.1:${port}/ws`, 'cy');
    try {
      client.send({ type: 'join', room: 'general' });
      await client.next('joined');
      const feed = await services.attachFeed({ room: 'general', command: "echo 'a;b' $(id)", stdin: 'nobody' });
      expect(IPC_CHANNELS.attachFeed.result.safeParse(feed).success).toBe(true);
      expect(feed).toEqual({ name: 'echo', room: 'general' });
      const line = await client.next('message', (m) => m.kind === 'feed' && m.text.includes('a;b'), 10_000);
      expect(line.text).toContain('a;b $(id)'); // metacharacters reached the program as they were
    } finally {
      await client.close();
    }
  });
});

describe('invite services', () => {
  it('refuse when not hosting, and for a room the host does not have', async () => {
    await expect(services.createInvite({ room: 'general' })).rejects.toThrow(
      'The host is not running: start hosting first',
    );
    await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    await expect(services.createInvite({ room: 'lab' })).rejects.toThrow('There is no room named "lab" on this host');
  });

  it('make a link for an open room that never expires', async () => {
    const { port } = await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    const link = await services.createInvite({ room: 'general' });
    expect(IPC_CHANNELS.createInvite.result.safeParse(link).success).toBe(true);
    expect(link.expiresAt).toBeNull();
    // The desktop host speaks TLS by default: the link carries the fingerprint, over http:// still.
    const { fingerprint } = await services.getHostStatus();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(link.url).toMatch(/^http:\/\//);
    expect(parseInvite(link.url)).toEqual({
      addresses: ['127.0.0.1'],
      port,
      room: 'general',
      name: 'test-box',
      fingerprint,
    });
  });

  it('make a link whose token joins a password room over a real WebSocket', async () => {
    await services.startHosting({ port: 0, rooms: [{ name: 'general' }] });
    await services.createRoom({ name: 'lab', password: 'secret' });
    const link = await services.createInvite({ room: 'lab' });
    expect(IPC_CHANNELS.createInvite.result.safeParse(link).success).toBe(true);
    expect(link.expiresAt).toBeGreaterThan(Date.now());
    const invite = parseInvite(link.url)!;
    expect(invite).toMatchObject({ room: 'lab', addresses: ['127.0.0.1'], token: expect.stringMatching(/^1\./) });

    const client = await TestClient.greeted(`ws://${invite.addresses[0]}:${invite.port}/ws`, 'cy');
    try {
      client.send({ type: 'join', ref: 'j1', room: invite.room, token: invite.token! });
      expect(await client.next('joined')).toMatchObject({ room: 'lab', ref: 'j1' });
      client.send({ type: 'send', room: 'lab', id: 'm1', text: 'in by invite' });
      expect(await client.next('ack')).toMatchObject({ room: 'lab', id: 'm1', seq: 1 });
    } finally {
      await client.close();
    }
  });
});
