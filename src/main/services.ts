import type { BrowserWindow } from 'electron';
import type { HostStatus } from '../shared/ipc.ts';
import { notify, openExternal } from './desktop.ts';
import type { HostController } from './host-control/host-controller.ts';
import type { IpcServices } from './ipc.ts';
import type { SettingsStore } from './settings/settings-store.ts';

export interface ServiceDependencies {
  settings: SettingsStore;
  host: HostController;
  /** The app's windows now, for notifications. */
  windows: () => readonly BrowserWindow[];
}

const MAX_HOSTED_ROOMS = 64;

function withRoom(rooms: readonly string[], name: string): string[] {
  return rooms.includes(name) ? [...rooms] : [...rooms, name].slice(-MAX_HOSTED_ROOMS);
}

/**
 * What runs behind each IPC channel. Hosting is remembered in the settings: the rooms of a started
 * host become `hostedRooms` (so the next launch hosts them again), a created room is added, and
 * stopping clears the list. The port comes from the settings unless the call names one.
 */
export function createIpcServices({ settings, host, windows }: ServiceDependencies): IpcServices {
  return {
    async startHosting({ port, rooms }) {
      const wasRunning = host.status().state === 'running';
      const status = await host.start({ port: port ?? settings.get().port, rooms });
      if (status.state === 'running' && !wasRunning) {
        await settings.update({ hostedRooms: rooms.reduce<string[]>((list, room) => withRoom(list, room.name), []) });
      }
      return status;
    },
    async stopHosting() {
      const status = await host.stop();
      if (settings.get().hostedRooms.length > 0) await settings.update({ hostedRooms: [] });
      return status;
    },
    getHostStatus: () => host.refresh(),
    async createRoom(room) {
      const status = await host.createRoom(room);
      await settings.update({ hostedRooms: withRoom(settings.get().hostedRooms, room.name) });
      return status;
    },
    getSettings: () => settings.get(),
    updateSettings: (patch) => settings.update(patch),
    notify(message) {
      notify(windows(), message);
    },
    openExternal: (url) => openExternal(url),
  };
}

/** Starts the host at launch when the settings list rooms to host; resolves with its status, or null when there are none. */
export async function startHostingOnLaunch(settings: SettingsStore, host: HostController): Promise<HostStatus | null> {
  const { hostedRooms, port } = settings.get();
  if (hostedRooms.length === 0) return null;
  return host.start({ port, rooms: hostedRooms.map((name) => ({ name })) });
}
