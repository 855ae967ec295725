import { z } from 'zod';
import { parseHostAddress } from './host-address.ts';
import { deviceId, nickname, plainText, roomInfo, roomName, timestamp } from './protocol/index.ts';

/**
 * The IPC contract between the renderer (through the preload) and the main process: one list of
 * channels, each with the schema of its arguments and of its result. Both sides validate against
 * these; the bridge's TypeScript types are inferred from them. Define new channels here first.
 */

export const hostedRoom = z.object({ name: roomName, password: plainText(1, 256).optional() });

export const hostState = z.enum(['stopped', 'starting', 'running', 'stopping', 'failed']);

export const hostStatus = z.object({
  state: hostState,
  /** The port the local host listens on while running. */
  port: z.int().min(1).max(65535).nullable(),
  /** `http://address:port/` for every LAN address, for people to type or share. */
  urls: z.array(z.string()),
  rooms: z.array(roomInfo),
  /** Why the host failed to start, in words for people. */
  error: z.string().optional(),
});

export const hostAddressText = z
  .string()
  .max(300)
  .refine((s) => parseHostAddress(s) !== null, 'must be host:port');

export const recentHost = z.object({
  /** `host:port` as formatHostAddress writes it. */
  address: hostAddressText,
  /** The host's own name, from its welcome. */
  label: z.string().max(64).optional(),
  lastUsed: timestamp,
});

export const language = z.enum(['system', 'en', 'zh-CN']);

export const settings = z.object({
  nickname,
  /** Chosen once, never changed: scopes idempotent retries on every host. */
  deviceId,
  /** Port the local host listens on. */
  port: z.int().min(1024).max(65535),
  /** Rooms the local host offers when it starts. */
  hostedRooms: z.array(roomName).max(64),
  recentHosts: z.array(recentHost).max(20),
  language,
});

/** What the renderer may change; the device id is not among it. */
export const settingsPatch = settings.omit({ deviceId: true }).partial();

export const notification = z.object({ title: z.string().min(1).max(128), body: z.string().max(1024) });

export const externalUrl = z
  .string()
  .max(4096)
  .refine((s) => URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol), 'must be an http(s) URL');

export const startHostingOptions = z.object({
  port: z.int().min(0).max(65535).optional(),
  rooms: z.array(hostedRoom).min(1).max(64),
});

/** Request channels: `ipcRenderer.invoke(channel, ...args)` → result. */
export const IPC_CHANNELS = {
  startHosting: { channel: 'host:start', args: z.tuple([startHostingOptions]), result: hostStatus },
  stopHosting: { channel: 'host:stop', args: z.tuple([]), result: hostStatus },
  getHostStatus: { channel: 'host:status', args: z.tuple([]), result: hostStatus },
  createRoom: { channel: 'host:create-room', args: z.tuple([hostedRoom]), result: hostStatus },
  getSettings: { channel: 'settings:get', args: z.tuple([]), result: settings },
  updateSettings: { channel: 'settings:update', args: z.tuple([settingsPatch]), result: settings },
  notify: { channel: 'desktop:notify', args: z.tuple([notification]), result: z.void() },
  openExternal: { channel: 'desktop:open-external', args: z.tuple([externalUrl]), result: z.void() },
} as const;

/** Event channels: main → renderer pushes, `webContents.send(channel, payload)`. */
export const IPC_EVENTS = {
  onHostStatus: { channel: 'host:status-changed', payload: hostStatus },
} as const;

export type IpcAction = keyof typeof IPC_CHANNELS;
export type IpcArgs<A extends IpcAction> = z.infer<(typeof IPC_CHANNELS)[A]['args']>;
export type IpcResult<A extends IpcAction> = z.infer<(typeof IPC_CHANNELS)[A]['result']>;
export type IpcEvent = keyof typeof IPC_EVENTS;
export type IpcPayload<E extends IpcEvent> = z.infer<(typeof IPC_EVENTS)[E]['payload']>;

export type HostStatus = z.infer<typeof hostStatus>;
export type Settings = z.infer<typeof settings>;
export type SettingsPatch = z.infer<typeof settingsPatch>;
export type HostedRoom = z.infer<typeof hostedRoom>;
export type Language = z.infer<typeof language>;
