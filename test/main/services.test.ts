import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow as ElectronWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, Notification, resetElectronFake, shell } from '../fakes/electron.ts';
import { HostController } from '../../src/main/host-control/host-controller.ts';
import type { IpcServices } from '../../src/main/ipc.ts';
import { createIpcServices, startHostingOnLaunch } from '../../src/main/services.ts';
import { SettingsStore } from '../../src/main/settings/settings-store.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

const workerUrl = new URL('../../src/main/host-control/host-worker.ts', import.meta.url);
const silent = { info() {}, warn() {}, error() {} };

let dir: string;
let settings: SettingsStore;
let host: HostController;
let services: IpcServices;

beforeEach(async () => {
  resetElectronFake();
  dir = await mkdtemp(join(tmpdir(), 'tincan-services-'));
  settings = await SettingsStore.open({ dir, userName: () => 'ann', logger: silent });
  host = new HostController({ workerUrl, dataDir: join(dir, 'host'), bind: '127.0.0.1', logger: silent });
  services = createIpcServices({
    settings,
    host,
    windows: () => BrowserWindow.getAllWindows() as unknown as ElectronWindow[],
  });
});

afterEach(async () => {
  await host.stop();
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
    expect(start).toHaveBeenCalledWith({ port: 5151, rooms: [{ name: 'general' }] });
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
    await settings.update({ hostedRooms: ['general', 'ops'], port: 5151 });
    const start = vi.spyOn(host, 'start').mockResolvedValue(host.status());
    await startHostingOnLaunch(settings, host);
    expect(start).toHaveBeenCalledWith({ port: 5151, rooms: [{ name: 'general' }, { name: 'ops' }] });
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
