import type { BrowserWindow as ElectronWindow, IpcMain } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, FakeWebContents, FakeWebFrameMain, ipcMain, resetElectronFake } from '../fakes/electron.ts';
import { registerIpcHandlers, sendIpcEvent, type IpcServices, type IpcTrust } from '../../src/main/ipc.ts';
import { IPC_CHANNEL_NAMES } from '../../src/shared/ipc-channels.ts';
import {
  IPC_CHANNELS,
  IPC_EVENTS,
  type DiagnosticsReport,
  type DiscoveredHost,
  type HostStatus,
  type LanInterfaceInfo,
  type Settings,
} from '../../src/shared/ipc.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

const running: HostStatus = {
  state: 'running',
  port: 4747,
  urls: ['http://10.0.0.2:4747/'],
  rooms: [{ name: 'general', head: 0, members: 0, locked: false }],
};
const stored: Settings = {
  nickname: 'ann',
  deviceId: 'device-0001',
  port: 4747,
  hostedRooms: [],
  recentHosts: [],
  language: 'system',
  announceInterfaces: [],
  hostTls: true,
  pins: [],
};
const lanbox: DiscoveredHost = {
  id: 'host0001',
  name: 'lanbox',
  addresses: ['192.168.1.20'],
  port: 4747,
  rooms: ['general'],
  roomsTruncated: false,
  protocol: 1,
  via: ['mdns', 'broadcast'],
  lastSeen: 1_700_000_000_000,
  fingerprint: 'ab'.repeat(32),
  tls: true,
  verified: true,
  pinned: false,
};
const eth0: LanInterfaceInfo = {
  name: 'eth0',
  kind: 'physical',
  reason: 'eth0 looks like a wired or Wi-Fi adapter',
  addresses: ['192.168.1.30'],
  recommended: true,
};
const report: DiagnosticsReport = {
  verdict: 'ok',
  headline: 'Discovery works on this network: Tincan hosts are heard.',
  checks: [{ check: 'broadcast', status: 'ok', summary: 'The broadcast fallback hears 1 Tincan host(s).' }],
  evidence: [],
  advice: [],
};
const invite = { url: 'http://192.168.1.30:4747/#/join?room=general', expiresAt: null };
const moderated = { closed: 0, recorded: [] };

function fakeServices(): { [A in keyof IpcServices]: ReturnType<typeof vi.fn> } & IpcServices {
  return {
    startHosting: vi.fn(async () => running),
    stopHosting: vi.fn(async () => ({ ...running, state: 'stopped' as const, port: null, urls: [], rooms: [] })),
    getHostStatus: vi.fn(() => running),
    createRoom: vi.fn(async () => running),
    getSettings: vi.fn(() => stored),
    updateSettings: vi.fn(async () => stored),
    notify: vi.fn(() => undefined),
    openExternal: vi.fn(async () => undefined),
    getDiscoveredHosts: vi.fn(() => [lanbox]),
    listInterfaces: vi.fn(() => [eth0]),
    runDiagnostics: vi.fn(async () => report),
    createInvite: vi.fn(async () => invite),
    postAnnouncement: vi.fn(async () => [{ room: 'general', seq: 7 }]),
    attachFeed: vi.fn(async () => ({ name: 'tail', room: 'general' })),
    // The moderation channels run for real in moderation-services.test.ts.
    getModeration: vi.fn(async () => ({ at: 0, connections: [], bans: [], mutes: [] })),
    kickMember: vi.fn(async () => moderated),
    banMember: vi.fn(async () => moderated),
    liftBan: vi.fn(async () => moderated),
    muteMember: vi.fn(async () => moderated),
    liftMute: vi.fn(async () => moderated),
    probeHost: vi.fn(async () => ({ tls: false as const })),
    trustHost: vi.fn(async () => stored),
    // Saving files runs for real in file-saving.test.ts.
    saveFile: vi.fn(async () => ({ state: 'cancelled' as const })),
    cancelDownload: vi.fn(() => undefined),
    showInFolder: vi.fn(() => undefined),
  };
}

let services: ReturnType<typeof fakeServices>;
let window: BrowserWindow;
let trust: IpcTrust;
const warnings: string[] = [];
const errors: string[] = [];

function register(origins: string[] = ['app://tincan']): void {
  trust = { windows: () => BrowserWindow.getAllWindows() as unknown as ElectronWindow[], origins };
  registerIpcHandlers(ipcMain as unknown as IpcMain, services, trust, {
    warn: (m) => warnings.push(m),
    error: (m) => errors.push(m),
  });
}

/** Calls `channel` from the main frame of the app window. */
const call = (channel: string, ...args: unknown[]) => ipcMain.invoke(channel, { sender: window.webContents }, ...args);

beforeEach(() => {
  resetElectronFake();
  warnings.length = 0;
  errors.length = 0;
  services = fakeServices();
  window = new BrowserWindow();
  register();
});

describe('registerIpcHandlers', () => {
  it('registers exactly one handler per channel of the contract', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(IPC_CHANNEL_NAMES).sort());
    expect(Object.values(IPC_CHANNELS).map((c) => c.channel)).toEqual(Object.values(IPC_CHANNEL_NAMES));
    expect(ipcMain.handle).toHaveBeenCalledTimes(Object.keys(IPC_CHANNELS).length);
  });

  it('runs a service with valid arguments and returns its result', async () => {
    const options = { port: 4747, rooms: [{ name: 'general' }] };
    await expect(call('host:start', options)).resolves.toEqual(running);
    expect(services.startHosting).toHaveBeenCalledWith(options);
    await expect(call('settings:get')).resolves.toEqual(stored);
    await expect(call('desktop:open-external', 'https://example.com/')).resolves.toBeUndefined();
    expect(services.openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  it('posts announcements with a valid text and level only', async () => {
    const announcement = { text: 'Back at 2', level: 'warning', room: 'general' };
    await expect(call('host:post-announcement', announcement)).resolves.toEqual([{ room: 'general', seq: 7 }]);
    expect(services.postAnnouncement).toHaveBeenCalledWith(announcement);
    for (const bad of [
      { text: '   ', level: 'info' },
      { text: 'x'.repeat(2001), level: 'info' },
      { text: 'hi', level: 'shout' },
      { text: 'hi', level: 'info', room: ' padded' },
    ]) {
      await expect(call('host:post-announcement', bad)).rejects.toThrow();
    }
    expect(services.postAnnouncement).toHaveBeenCalledTimes(1);
    expect(await call('host:post-announcement', { text: 'x'.repeat(2000), level: 'info' })).toBeTruthy();
  });

  it('attaches feeds with a valid room, command and stdin only', async () => {
    const feed = { room: 'general', command: "tail -F '/var/log/app.log'", stdin: 'nobody' };
    await expect(call('host:attach-feed', feed)).resolves.toEqual({ name: 'tail', room: 'general' });
    expect(services.attachFeed).toHaveBeenCalledWith(feed);
    for (const bad of [
      { room: 'general', command: '', stdin: 'nobody' },
      { room: 'general', command: 'x'.repeat(4097), stdin: 'nobody' },
      { room: 'general', command: 'ls', stdin: 'root' },
      { room: ' padded', command: 'ls', stdin: 'nobody' },
    ]) {
      await expect(call('host:attach-feed', bad)).rejects.toThrow();
    }
    expect(services.attachFeed).toHaveBeenCalledTimes(1);
  });

  it('runs the discovery and invite channels', async () => {
    await expect(call('discovery:hosts')).resolves.toEqual([lanbox]);
    await expect(call('discovery:interfaces')).resolves.toEqual([eth0]);
    await expect(call('discovery:diagnose', {})).resolves.toEqual(report);
    await expect(call('discovery:diagnose', { address: '192.168.1.20:4747' })).resolves.toEqual(report);
    expect(services.runDiagnostics).toHaveBeenLastCalledWith({ address: '192.168.1.20:4747' });
    await expect(call('host:create-invite', { room: 'general' })).resolves.toEqual(invite);
    expect(services.createInvite).toHaveBeenCalledWith({ room: 'general' });
    await expect(call('settings:update', { announceInterfaces: ['eth0', 'Wi-Fi'] })).resolves.toEqual(stored);
    expect(services.updateSettings).toHaveBeenCalledWith({ announceInterfaces: ['eth0', 'Wi-Fi'] });
  });

  it('passes the parsed arguments: unknown keys are dropped before the service sees them', async () => {
    await call('settings:update', { nickname: 'bo', isAdmin: true });
    expect(services.updateSettings).toHaveBeenCalledWith({ nickname: 'bo' });
  });

  it('returns a function that removes every handler again', () => {
    const own = { handle: vi.fn(), removeHandler: vi.fn() };
    const remove = registerIpcHandlers(own as unknown as IpcMain, services, trust);
    expect(own.removeHandler).not.toHaveBeenCalled();
    remove();
    expect(own.removeHandler.mock.calls.map(([channel]) => channel).sort()).toEqual(
      Object.values(IPC_CHANNEL_NAMES).sort(),
    );
  });
});

describe('sender check', () => {
  const refusedWithoutRunning = async (promise: Promise<unknown>, reason: RegExp) => {
    await expect(promise).rejects.toThrow(reason);
    for (const service of Object.values(services)) expect(service).not.toHaveBeenCalled();
  };

  it('refuses a sub-frame of the app window', async () => {
    const frame = new FakeWebFrameMain('app://tincan/index.html', window.webContents.mainFrame);
    await refusedWithoutRunning(
      ipcMain.invoke('settings:get', { sender: window.webContents, frame }),
      /^settings:get refused: the sender is a sub-frame$/,
    );
    expect(warnings[0]).toMatch(/refused IPC settings:get/);
  });

  it('refuses a webview or any web contents that is not an app window', async () => {
    const guest = new FakeWebContents();
    await refusedWithoutRunning(
      ipcMain.invoke('host:start', { sender: guest }, { rooms: [{ name: 'general' }] }),
      /refused: the sender is not a Tincan window/,
    );
  });

  it('refuses an app window whose page is on another origin', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://other/index.html', 'about:blank']) {
      window.webContents.mainFrame.url = url;
      await refusedWithoutRunning(call('settings:get'), /refused: the sender's page is not on the app's origin/);
    }
  });

  it('refuses a frame that is not the main frame of the window it claims', async () => {
    const impostor = new FakeWebFrameMain('app://tincan/index.html');
    await refusedWithoutRunning(
      ipcMain.invoke('settings:get', { sender: window.webContents, frame: impostor }),
      /refused: the sender is not the window's main frame/,
    );
  });

  it('refuses a call whose frame is gone, and a destroyed window', async () => {
    await refusedWithoutRunning(
      ipcMain.invoke('settings:get', { sender: window.webContents, frame: null }),
      /the sending frame is gone/,
    );
    window.webContents.destroyed = true;
    await refusedWithoutRunning(call('settings:get'), /not a Tincan window/);
  });

  it('accepts the dev server only when its origin is trusted', async () => {
    window.webContents.mainFrame.url = 'http://localhost:5173/';
    await expect(call('settings:get')).rejects.toThrow(/not on the app's origin/);
    ipcMain.handlers.clear();
    register(['http://localhost:5173', 'app://tincan']);
    await expect(call('settings:get')).resolves.toEqual(stored);
    window.webContents.mainFrame.url = 'http://localhost:5174/';
    await expect(call('settings:get')).rejects.toThrow(/not on the app's origin/);
  });
});

describe('argument validation', () => {
  it('rejects invalid arguments with a message naming the field, without running', async () => {
    await expect(call('host:start', { rooms: [{ name: 'ok' }, { name: ' padded' }] })).rejects.toThrow(
      /^host:start: invalid rooms\[1\]\.name: must not start or end with spaces$/,
    );
    await expect(call('host:start', { port: 70000, rooms: [{ name: 'a' }] })).rejects.toThrow(
      /^host:start: invalid port: /,
    );
    await expect(call('settings:update', { port: 'high' })).rejects.toThrow(/^settings:update: invalid port: /);
    await expect(call('desktop:open-external', 'file:///etc/passwd')).rejects.toThrow(
      /^desktop:open-external: invalid argument 1: must be an http\(s\) URL$/,
    );
    await expect(call('desktop:notify', { title: '', body: 'x' })).rejects.toThrow(/^desktop:notify: invalid title: /);
    expect(services.startHosting).not.toHaveBeenCalled();
    expect(services.updateSettings).not.toHaveBeenCalled();
    expect(services.openExternal).not.toHaveBeenCalled();
    expect(services.notify).not.toHaveBeenCalled();
  });

  it('rejects bad arguments of the discovery and invite channels, without running', async () => {
    for (const address of ['not an address!', '10.0.0.2:99999', 'ftp://[fd00::2', 'a:b:c', '']) {
      await expect(call('discovery:diagnose', { address })).rejects.toThrow(
        /^discovery:diagnose: invalid address: must be host:port$/,
      );
    }
    await expect(call('discovery:diagnose', { address: 'x'.repeat(301) })).rejects.toThrow(
      /^discovery:diagnose: invalid address: /,
    );
    await expect(call('discovery:diagnose', '10.0.0.2:4747')).rejects.toThrow(
      /^discovery:diagnose: invalid argument 1: /,
    );
    await expect(call('host:create-invite', { room: '' })).rejects.toThrow(/^host:create-invite: invalid room: /);
    await expect(call('host:create-invite', {})).rejects.toThrow(/^host:create-invite: invalid room: /);
    await expect(call('discovery:hosts', 'extra')).rejects.toThrow('discovery:hosts: expects 0 arguments, got 1');
    await expect(call('discovery:interfaces', {})).rejects.toThrow('discovery:interfaces: expects 0 arguments, got 1');
    await expect(call('settings:update', { announceInterfaces: [''] })).rejects.toThrow(
      /^settings:update: invalid announceInterfaces\[0\]: /,
    );
    await expect(call('settings:update', { announceInterfaces: 'eth0' })).rejects.toThrow(
      /^settings:update: invalid announceInterfaces: /,
    );
    expect(services.runDiagnostics).not.toHaveBeenCalled();
    expect(services.createInvite).not.toHaveBeenCalled();
    expect(services.getDiscoveredHosts).not.toHaveBeenCalled();
    expect(services.listInterfaces).not.toHaveBeenCalled();
    expect(services.updateSettings).not.toHaveBeenCalled();
  });

  it('rejects the wrong number of arguments', async () => {
    await expect(call('settings:get', 'extra')).rejects.toThrow('settings:get: expects 0 arguments, got 1');
    await expect(call('host:create-room')).rejects.toThrow('host:create-room: expects 1 argument, got 0');
    expect(services.getSettings).not.toHaveBeenCalled();
    expect(services.createRoom).not.toHaveBeenCalled();
  });
});

describe('result validation', () => {
  it('refuses to return a result that breaks the contract', async () => {
    services.getHostStatus.mockReturnValue({ state: 'exploded' });
    await expect(call('host:status')).rejects.toThrow('host:status: internal error (invalid result)');
    expect(errors[0]).toMatch(/host:status produced an invalid result: state: /);
  });

  it('refuses discovered hosts, reports and invites that break the contract', async () => {
    services.getDiscoveredHosts.mockReturnValue([{ ...lanbox, name: 'x'.repeat(65) }]);
    await expect(call('discovery:hosts')).rejects.toThrow('discovery:hosts: internal error (invalid result)');
    services.runDiagnostics.mockResolvedValue({ ...report, verdict: 'fine' });
    await expect(call('discovery:diagnose', {})).rejects.toThrow('discovery:diagnose: internal error (invalid result)');
    services.createInvite.mockResolvedValue({ url: 'javascript:alert(1)', expiresAt: null });
    await expect(call('host:create-invite', { room: 'general' })).rejects.toThrow(
      'host:create-invite: internal error (invalid result)',
    );
  });

  it('passes a service error on to the caller', async () => {
    services.createRoom.mockRejectedValue(new Error('The host is not running: start hosting first'));
    await expect(call('host:create-room', { name: 'ops' })).rejects.toThrow(/not running/);
  });
});

describe('sendIpcEvent', () => {
  it('sends to the app windows only, with the validated payload', () => {
    const other = new BrowserWindow();
    other.webContents.mainFrame.url = 'https://evil.example/';
    const gone = new BrowserWindow();
    gone.webContents.destroyed = true;
    const outsider = new FakeWebContents();

    expect(sendIpcEvent(trust, 'onHostStatus', running)).toBe(1);
    expect(window.webContents.send).toHaveBeenCalledWith(IPC_EVENTS.onHostStatus.channel, running);
    expect(other.webContents.send).not.toHaveBeenCalled();
    expect(gone.webContents.send).not.toHaveBeenCalled();
    expect(outsider.send).not.toHaveBeenCalled();
  });

  it('sends the discovered hosts, validated', () => {
    expect(sendIpcEvent(trust, 'onDiscoveredHosts', [lanbox])).toBe(1);
    expect(window.webContents.send).toHaveBeenCalledWith('discovery:hosts-changed', [lanbox]);
    expect(() => sendIpcEvent(trust, 'onDiscoveredHosts', [{ ...lanbox, port: 0 }])).toThrow();
    expect(window.webContents.send).toHaveBeenCalledTimes(1);
  });

  it('throws on a payload that breaks the contract, sending nothing', () => {
    expect(() => sendIpcEvent(trust, 'onHostStatus', { state: 'exploded' } as unknown as HostStatus)).toThrow();
    expect(window.webContents.send).not.toHaveBeenCalled();
  });
});
