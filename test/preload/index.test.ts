import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { contextBridge, ipcRenderer, resetElectronFake } from '../fakes/electron.ts';
import { IPC_CHANNEL_NAMES, IPC_EVENT_NAMES } from '../../src/shared/ipc-channels.ts';
import { IPC_CHANNELS, IPC_EVENTS } from '../../src/shared/ipc.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

// Outside Electron these two are missing from process.versions; give them values for the test.
const fakeVersions = { electron: '45.4.1', chrome: '142.0.0.0' };

let api: Record<string, unknown>;

beforeAll(async () => {
  resetElectronFake();
  for (const [name, value] of Object.entries(fakeVersions)) {
    Object.defineProperty(process.versions, name, { value, configurable: true, enumerable: true });
  }
  try {
    await import('../../src/preload/index.ts');
  } finally {
    for (const name of Object.keys(fakeVersions)) {
      Reflect.deleteProperty(process.versions, name);
    }
  }
  api = contextBridge.exposed.get('tincan') as Record<string, unknown>;
});

beforeEach(() => {
  ipcRenderer.invoke.mockReset();
  ipcRenderer.invoke.mockImplementation(async () => undefined);
  ipcRenderer.removeAllListeners();
});

const fn = (key: string) => api[key] as (...args: unknown[]) => unknown;

describe('preload', () => {
  it('exposes one object, `tincan`, through the context bridge', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect([...contextBridge.exposed.keys()]).toEqual(['tincan']);
  });

  it('exposes exactly the allow-list: platform, versions, one function per channel and per event', () => {
    const allowed = ['platform', 'versions', ...Object.keys(IPC_CHANNELS), ...Object.keys(IPC_EVENTS)];
    expect(Object.keys(api).sort()).toEqual(allowed.sort());
    expect(Object.keys(api['versions'] as object).sort()).toEqual(['chrome', 'electron', 'node']);
    for (const key of [...Object.keys(IPC_CHANNELS), ...Object.keys(IPC_EVENTS)]) {
      expect(api[key], key).toBeTypeOf('function');
    }
  });

  it('exposes the discovery and invite functions and the discovered-hosts event', () => {
    for (const key of ['getDiscoveredHosts', 'listInterfaces', 'runDiagnostics', 'createInvite', 'onDiscoveredHosts']) {
      expect(api[key], key).toBeTypeOf('function');
    }
  });

  it('never exposes ipcRenderer or a generic send/invoke/on', () => {
    const values: unknown[] = [];
    const walk = (value: unknown): void => {
      values.push(value);
      if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(api);
    expect(values).not.toContain(ipcRenderer);
    expect(values).not.toContain(ipcRenderer.invoke);
    for (const generic of ['send', 'invoke', 'on', 'off', 'ipcRenderer', 'sendSync', 'postMessage']) {
      expect(api).not.toHaveProperty(generic);
    }
  });

  it('reports the platform and runtime versions', () => {
    expect(api['platform']).toBe(process.platform);
    expect(api['versions']).toEqual({ electron: '45.4.1', chrome: '142.0.0.0', node: process.versions.node });
  });

  it('shares the channel names with the contract', () => {
    for (const [action, { channel }] of Object.entries(IPC_CHANNELS)) {
      expect(IPC_CHANNEL_NAMES[action as keyof typeof IPC_CHANNEL_NAMES]).toBe(channel);
    }
    for (const [event, { channel }] of Object.entries(IPC_EVENTS)) {
      expect(IPC_EVENT_NAMES[event as keyof typeof IPC_EVENT_NAMES]).toBe(channel);
    }
  });
});

describe('request functions', () => {
  it.each(Object.entries(IPC_CHANNELS))('%s invokes its own channel with the arguments as given', async (action, c) => {
    const reply = { answer: action };
    ipcRenderer.invoke.mockResolvedValueOnce(reply);
    const args = [{ probe: action }];
    await expect(fn(action)(...args)).resolves.toBe(reply);
    expect(ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(c.channel, ...args);
  });

  it('calls the discovery and invite channels by their names', async () => {
    await fn('getDiscoveredHosts')();
    await fn('listInterfaces')();
    await fn('runDiagnostics')({ address: '10.0.0.2:4747' });
    await fn('createInvite')({ room: 'general' });
    expect(ipcRenderer.invoke.mock.calls).toEqual([
      ['discovery:hosts'],
      ['discovery:interfaces'],
      ['discovery:diagnose', { address: '10.0.0.2:4747' }],
      ['host:create-invite', { room: 'general' }],
    ]);
  });

  it('passes no arguments when called with none', async () => {
    await fn('getHostStatus')();
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('host:status');
  });

  it('passes on a rejection from the main process', async () => {
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("Error invoking remote method 'host:start': Error: no"));
    await expect(fn('startHosting')({ rooms: [] })).rejects.toThrow(/no$/);
  });
});

describe('event subscriptions', () => {
  it.each(Object.entries(IPC_EVENTS))('%s passes only the payload, never the IpcRendererEvent', (event, e) => {
    const listener = vi.fn();
    const unsubscribe = fn(event)(listener) as () => void;
    expect(unsubscribe).toBeTypeOf('function');
    ipcRenderer.deliver(e.channel, { state: 'running' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([{ state: 'running' }]);
  });

  it('onDiscoveredHosts delivers the list pushed on discovery:hosts-changed, until unsubscribed', () => {
    const listener = vi.fn();
    const unsubscribe = fn('onDiscoveredHosts')(listener) as () => void;
    const hosts = [{ id: 'host0001', name: 'lanbox' }];
    ipcRenderer.deliver('discovery:hosts-changed', hosts);
    ipcRenderer.deliver('host:status-changed', { state: 'running' });
    expect(listener.mock.calls).toEqual([[hosts]]);
    unsubscribe();
    ipcRenderer.deliver('discovery:hosts-changed', []);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('only listens on its own channel', () => {
    const listener = vi.fn();
    fn('onHostStatus')(listener);
    ipcRenderer.deliver('settings:changed', { nickname: 'x' });
    expect(listener).not.toHaveBeenCalled();
  });

  it('unsubscribes, leaving other subscribers in place', () => {
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = fn('onHostStatus')(first) as () => void;
    fn('onHostStatus')(second);
    stopFirst();
    stopFirst(); // twice is harmless
    ipcRenderer.deliver(IPC_EVENTS.onHostStatus.channel, { state: 'stopped' });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith({ state: 'stopped' });
    expect(ipcRenderer.listenerCount(IPC_EVENTS.onHostStatus.channel)).toBe(1);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => fn('onHostStatus')('alert(1)')).toThrow(TypeError);
    expect(ipcRenderer.listenerCount(IPC_EVENTS.onHostStatus.channel)).toBe(0);
  });
});
