import type { BrowserWindow } from 'electron';
import type { HostStatus } from '../shared/ipc.ts';
import { notify, openExternal } from './desktop.ts';
import type { DiscoveryService } from './discovery-control/discovery-service.ts';
import { diagnosticsReport, lanInterfaces, type DiagnosticsReportOptions } from './discovery-control/reports.ts';
import type { LanInterface } from './discovery/index.ts';
import type { HostController } from './host-control/host-controller.ts';
import { fileSavingFor, type FileSaving } from './file-saving.ts';
import type { IpcServices } from './ipc.ts';
import { moderationServices } from './moderation-services.ts';
import { parseHostAddress } from '../shared/host-address.ts';
import { probeCertificate, type PinStore, type ProbeResult } from './pins/index.ts';
import type { SettingsStore } from './settings/settings-store.ts';

export interface ServiceDependencies {
  settings: SettingsStore;
  host: HostController;
  /** The hosts heard on the LAN. */
  discovery: Pick<DiscoveryService, 'hosts'>;
  /** The certificate pins (kept in the settings). */
  pins: PinStore;
  /** Called after a pin changed (the session's check is installed again, the host list re-sent). */
  onPinsChanged?: () => void;
  /** Reads a host's certificate. Default `probeCertificate`. */
  probe?: (hostname: string, port: number) => Promise<ProbeResult>;
  /** The app's windows now, for notifications. */
  windows: () => readonly BrowserWindow[];
  /** Saving host files (dialog, download, show in folder). Default: one without progress events. */
  fileSaving?: FileSaving;
  /** The machine's adapters now. Default `rankInterfaces`. */
  interfaces?: () => LanInterface[];
  /** How the diagnostics run (tests keep them on loopback). Default: every check, on the recommended adapters. */
  diagnostics?: DiagnosticsReportOptions;
  logger?: { warn(message: string): void };
}

const MAX_HOSTED_ROOMS = 64;

function withRoom(rooms: readonly string[], name: string): string[] {
  return rooms.includes(name) ? [...rooms] : [...rooms, name].slice(-MAX_HOSTED_ROOMS);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * What runs behind each IPC channel. Hosting is remembered in the settings: the rooms of a started
 * host become `hostedRooms` (so the next launch hosts them again), a created room is added, and
 * stopping clears the list. The port comes from the settings unless the call names one, and the host is
 * announced on the settings' `announceInterfaces` (a change applies to the running host at once).
 */
export function createIpcServices({
  settings,
  host,
  discovery,
  windows,
  interfaces,
  diagnostics,
  fileSaving,
  pins,
  onPinsChanged,
  probe = probeCertificate,
  logger = console,
}: ServiceDependencies): IpcServices {
  /** The diagnostics run now, by target: a second click while it runs gets the same report. */
  const diagnosing = new Map<string, ReturnType<IpcServices['runDiagnostics']>>();
  return {
    async startHosting({ port, rooms }) {
      const wasRunning = host.status().state === 'running';
      const { port: configured, announceInterfaces, hostTls } = settings.get();
      const status = await host.start({ port: port ?? configured, rooms, announceInterfaces, tls: hostTls });
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
    async updateSettings(patch) {
      const before = settings.get().announceInterfaces;
      const next = await settings.update(patch);
      if (!sameList(before, next.announceInterfaces)) {
        // The setting is saved either way; announcing elsewhere is best effort (the worker logs why not).
        await host.announceOn(next.announceInterfaces).catch((error: unknown) => {
          logger.warn(`host: could not announce on the new adapters: ${String(error)}`);
        });
      }
      return next;
    },
    notify(message) {
      notify(windows(), message);
    },
    openExternal: (url) => openExternal(url),
    getDiscoveredHosts: () => discovery.hosts(),
    listInterfaces: () => lanInterfaces(interfaces?.()),
    runDiagnostics({ address }) {
      const key = address ?? '';
      const running = diagnosing.get(key);
      if (running) return running;
      const own = host.hostId();
      const run = diagnosticsReport({ address, ...(own ? { ignoreIds: [own] } : {}) }, diagnostics).finally(() =>
        diagnosing.delete(key),
      );
      diagnosing.set(key, run);
      return run;
    },
    createInvite: ({ room }) => host.createInvite(room),
    postAnnouncement: (announcement) => host.postAnnouncement(announcement),
    attachFeed: (feed) => host.attachFeed(feed),
    ...moderationServices(host),
    ...(fileSaving ??
      fileSavingFor(windows, (hostname, certPem) => pins.verify(hostname, certPem).verdict === 'pinned')),
    async probeHost({ address }) {
      const { hostname, port } = parseHostAddress(address)!; // the schema checked it parses
      const found = await probe(hostname, port);
      if (!found.tls) return { tls: false };
      return {
        tls: true,
        fingerprint: found.fingerprint,
        hostId: found.hostId,
        ...pins.check(address, found.fingerprint),
      };
    },
    async trustHost({ address, fingerprint, hostId }) {
      const next = await pins.trust(address, fingerprint, hostId);
      onPinsChanged?.();
      return next;
    },
  };
}

/** Starts the host at launch when the settings list rooms to host; resolves with its status, or null when there are none. */
export async function startHostingOnLaunch(settings: SettingsStore, host: HostController): Promise<HostStatus | null> {
  const { hostedRooms, port, announceInterfaces, hostTls } = settings.get();
  if (hostedRooms.length === 0) return null;
  return host.start({ port, rooms: hostedRooms.map((name) => ({ name })), announceInterfaces, tls: hostTls });
}

/**
 * Leaves this app's own host out of the discovered ones: its id is known once it has run (and stays).
 * Returns the function that stops following the host.
 */
export function ignoreOwnHost(host: HostController, discovery: Pick<DiscoveryService, 'ignore'>): () => void {
  const follow = () => {
    const id = host.hostId();
    if (id) discovery.ignore(id);
  };
  follow();
  return host.onStatus(follow);
}
