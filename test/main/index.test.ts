import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNEL_NAMES, IPC_EVENT_NAMES } from '../../src/shared/ipc-channels.ts';

// The entry runs on import, so each test re-imports it after vi.resetModules(). The fake is created once
// (hoisted) so the re-imported entry and this file share it.
const fake = await vi.hoisted(() => import('../fakes/electron.ts'));
const { app, BrowserWindow, ipcMain, protocol, resetElectronFake, session } = fake;
vi.mock('electron', () => fake);

// Browsing the LAN from a test would send mDNS queries on the machine's real adapters: the entry gets a
// stand-in DiscoveryService (the real one is tested in test/main/discovery-control/).
const discoveries = vi.hoisted(() => {
  class FakeDiscoveryService {
    static readonly instances: FakeDiscoveryService[] = [];
    readonly listeners = new Set<(hosts: unknown[]) => void>();
    list: unknown[] = [];
    readonly start = vi.fn(async () => {});
    readonly stop = vi.fn(async () => {});
    readonly ignore = vi.fn((_id: string) => {});
    constructor() {
      FakeDiscoveryService.instances.push(this);
    }
    hosts(): unknown[] {
      return this.list;
    }
    onChange(listener: (hosts: unknown[]) => void): () => void {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    }
    /** What the real one does on a change: call the listeners with the list. */
    change(list: unknown[]): void {
      this.list = list;
      for (const listener of this.listeners) listener(list);
    }
  }
  return FakeDiscoveryService;
});
vi.mock('../../src/main/discovery-control/discovery-service.ts', () => ({ DiscoveryService: discoveries }));

const lanbox = {
  id: 'host0001',
  name: 'lanbox',
  addresses: ['192.168.1.20'],
  port: 4747,
  rooms: ['general'],
  roomsTruncated: false,
  protocol: 1,
  via: ['broadcast'],
  lastSeen: 1_700_000_000_000,
  fingerprint: 'ab'.repeat(32),
  tls: true,
  verified: true,
  pinned: false,
};

const devServer = 'http://localhost:5173/';
let userData: string;

async function startApp(): Promise<InstanceType<typeof BrowserWindow>> {
  vi.resetModules();
  await import('../../src/main/index.ts');
  const [window] = BrowserWindow.instances;
  if (!window) throw new Error('the app opened no window');
  return window;
}

beforeEach(async () => {
  resetElectronFake();
  discoveries.instances.length = 0;
  userData = await mkdtemp(join(tmpdir(), 'tincan-user-data-'));
  app.setUserData(userData);
  vi.stubEnv('ELECTRON_RENDERER_URL', devServer);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(userData, { recursive: true, force: true });
});

describe('main entry', () => {
  it('registers app: as a privileged scheme before the app is ready, and serves it once ready', async () => {
    await startApp();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    const registered = protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]!;
    expect(registered).toBeLessThan(app.whenReady.mock.invocationCallOrder[0]!);
    expect(protocol.handlers.has('app')).toBe(true);
  });

  it('hardens the default session and opens one window with the CommonJS preload', async () => {
    const window = await startApp();
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);
    expect(window.options.webPreferences?.['preload']).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    // Certificates are pinned in that session: a LAN host with no pin is left to Chromium (-3).
    expect(session.defaultSession.setCertificateVerifyProc).toHaveBeenCalledTimes(1);
    const unpinned = { hostname: '10.0.0.9', certificate: { data: 'not pinned' } };
    expect(await session.defaultSession.verifyCertificate(unpinned)).toBe(-3);
  });

  it('uses the dev server when running from source', async () => {
    const window = await startApp();
    expect(window.loadURL).toHaveBeenCalledWith(devServer);
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app and loads app://tincan/', async () => {
    app.isPackaged = true;
    const window = await startApp();
    expect(window.loadURL).toHaveBeenCalledWith('app://tincan/index.html');
    expect(window.loadFile).not.toHaveBeenCalled();
  });

  it('registers every IPC channel, answering the app window from the settings in userData', async () => {
    const window = await startApp();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(IPC_CHANNEL_NAMES).sort());
    const settings = await ipcMain.invoke(IPC_CHANNEL_NAMES.getSettings, { sender: window.webContents });
    expect(settings).toMatchObject({ port: 4747, hostedRooms: [], language: 'system' });
    const status = await ipcMain.invoke(IPC_CHANNEL_NAMES.getHostStatus, { sender: window.webContents });
    expect(status).toEqual({ state: 'stopped', port: null, urls: [], rooms: [] });
  });

  it('trusts the dev server only when running from source', async () => {
    app.isPackaged = true;
    const window = await startApp();
    window.webContents.mainFrame.url = devServer;
    await expect(ipcMain.invoke(IPC_CHANNEL_NAMES.getSettings, { sender: window.webContents })).rejects.toThrow(
      /not on the app's origin/,
    );
  });

  it('starts hosting on launch when the settings list rooms, telling the window', async () => {
    await writeFile(join(userData, 'settings.json'), JSON.stringify({ hostedRooms: ['general'], port: 4747 }));
    const window = await startApp();
    const states = () =>
      window.webContents.send.mock.calls
        .filter(([channel]) => channel === IPC_EVENT_NAMES.onHostStatus)
        .map(([, status]) => (status as { state: string }).state);
    expect(states()[0]).toBe('starting');
    // Running from source there is no bundled out/main/host-worker.js next to the entry, so the start fails;
    // what matters here is that the launch tried and the window heard about it.
    await vi.waitFor(() => expect(states()).toContain('failed'), { timeout: 10_000 });
  });

  it('browses for hosts at launch, answers getDiscoveredHosts and pushes every change to the window', async () => {
    const window = await startApp();
    expect(discoveries.instances).toHaveLength(1);
    const [discovery] = discoveries.instances;
    expect(discovery!.start).toHaveBeenCalledTimes(1);
    expect(await ipcMain.invoke(IPC_CHANNEL_NAMES.getDiscoveredHosts, { sender: window.webContents })).toEqual([]);

    discovery!.change([lanbox]);
    expect(window.webContents.send).toHaveBeenCalledWith(IPC_EVENT_NAMES.onDiscoveredHosts, [lanbox]);
    expect(await ipcMain.invoke(IPC_CHANNEL_NAMES.getDiscoveredHosts, { sender: window.webContents })).toEqual([
      lanbox,
    ]);
  });

  it('waits for the host to stop and discovery to close before quitting', async () => {
    await startApp();
    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(discoveries.instances[0]!.stop).toHaveBeenCalledTimes(1);
    const again = { preventDefault: vi.fn() };
    app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('reopens a window on activate only when none is open', async () => {
    await startApp();
    app.emit('activate');
    expect(BrowserWindow.instances).toHaveLength(1);
    BrowserWindow.instances.length = 0;
    app.emit('activate');
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('quits when the last window closes, except on macOS', async () => {
    await startApp();
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
  });
});
