import { z } from 'zod';
import { parseHostAddress } from './host-address.ts';
import { IPC_CHANNEL_NAMES as C, IPC_EVENT_NAMES as E } from './ipc-channels.ts';
import {
  cancelDownloadRequest,
  downloadProgress,
  saveFileRequest,
  saveFileResult,
  showInFolderRequest,
} from './ipc-files.ts';
import {
  banRequest,
  kickRequest,
  moderationResult,
  moderationView,
  muteRequest,
  unbanRequest,
  unmuteRequest,
} from './moderation.ts';
import {
  announcementLevel,
  deviceId,
  messageKindSchemas,
  nickname,
  plainText,
  roomInfo,
  roomName,
  timestamp,
} from './protocol/index.ts';

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
  /**
   * Where the running host is announced on the LAN (adapter names), and in plain words why nowhere
   * when the list is empty. Absent when announcing is off.
   */
  announcing: z.object({ interfaces: z.array(z.string().max(64)), note: z.string().max(500).optional() }).optional(),
  /** SHA-256 of the running host's certificate (64 hex), for people to compare. */
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** The running host's port speaks TLS (plain HTTP kept for browser guests). */
  tls: z.boolean().optional(),
});

/** SHA-256 of a certificate, 64 lowercase hex digits. */
export const fingerprint = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
/** A host id: its public key's hash (src/main/tls/host-identity.ts). */
export const hostIdText = z.string().regex(/^[A-Za-z0-9_-]{4,64}$/);

/** Pins the desktop app keeps, at most. */
export const MAX_PINS = 256;

/** A pinned certificate: the app joins `address` over wss:// and accepts only this certificate there. */
export const certificatePin = z.object({
  /** `host:port` as formatHostAddress writes it. */
  address: z.string().max(300),
  fingerprint,
  /** The host's id when known (from an advert or the certificate): the certificate's key must hash to it. */
  hostId: hostIdText.optional(),
  /** When it was pinned. */
  since: z.int().min(0),
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

/** A LAN adapter name, as the OS names it ("eth0", "Wi-Fi"). */
export const interfaceName = z.string().min(1).max(64);

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
  /** Adapters the local host announces itself on; empty means the recommended ones. */
  announceInterfaces: z.array(interfaceName).max(16),
  /** The local host speaks TLS on its port (plain HTTP kept there for browser guests). */
  hostTls: z.boolean(),
  /** Certificates pinned per host:port; changed only through trustHost and forgetPin. */
  pins: z.array(certificatePin).max(MAX_PINS),
});

/** What the renderer may change; the device id and the pins are not among it. */
export const settingsPatch = settings.omit({ deviceId: true, pins: true }).partial();

export const notification = z.object({ title: z.string().min(1).max(128), body: z.string().max(1024) });

export const externalUrl = z
  .string()
  .max(4096)
  .refine((s) => URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol), 'must be an http(s) URL');

/** A host heard on the LAN (mDNS or the broadcast fallback). */
export const discoveredHost = z.object({
  id: z.string().max(64),
  name: z.string().max(64),
  /** Best first. */
  addresses: z.array(z.string().max(64)).max(16),
  port: z.int().min(1).max(65535),
  rooms: z.array(z.string().max(64)).max(256),
  roomsTruncated: z.boolean(),
  protocol: z.int(),
  via: z.array(z.enum(['mdns', 'broadcast'])),
  lastSeen: timestamp,
  fingerprint,
  tls: z.boolean(),
  /** Heard in a beacon signed by the key its id is the hash of (mDNS answers are not signed). */
  verified: z.boolean(),
  /** Another host's id its adverts claimed: it poses as that host. */
  claimedId: z.string().max(64).optional(),
  /** This app has pinned a certificate for one of its addresses. */
  pinned: z.boolean(),
});

export const lanInterface = z.object({
  name: interfaceName,
  /** ethernet, wifi, vpn, container, virtual, loopback, other. */
  kind: z.string().max(32),
  /** Plain words: why this kind, and what it means for being found. */
  reason: z.string().max(500),
  addresses: z.array(z.string().max(64)),
  /** Chosen by default for announcing and invites. */
  recommended: z.boolean(),
});

/** The "Can't see a host?" report: one headline, what each check found, what to try. */
export const diagnosticsReport = z.object({
  verdict: z.enum(['ok', 'multicast-blocked', 'broadcast-blocked', 'no-host-heard', 'unreachable', 'incomplete']),
  headline: z.string(),
  checks: z.array(z.object({ check: z.string(), status: z.enum(['ok', 'warn', 'fail']), summary: z.string() })),
  /** What the checks mean together, beyond each one's summary: why the verdict is what it is. */
  evidence: z.array(z.string()),
  advice: z.array(z.string()),
});

export const inviteLink = z.object({
  /** An http URL of the host's web client that joins the room (see src/shared/invite.ts). */
  url: externalUrl,
  /** When its join token stops working (rooms with a password), else null. */
  expiresAt: timestamp.nullable(),
});

/** An announcement from the operator of this app's host: to one room, or to every room. */
export const announcementRequest = z.object({
  text: messageKindSchemas.announcement.shape.text,
  level: announcementLevel,
  room: roomName.optional(),
});

/** Where it was stored. */
export const announcementResult = z.array(z.object({ room: roomName, seq: z.int().min(1) })).max(1000);

/**
 * A command to run as a feed of a room of this app's host: split like a shell would (quotes honoured)
 * and run without a shell, shared by every member. `stdin`: who may type into it.
 */
export const feedRequest = z.object({
  room: roomName,
  command: plainText(1, 4096),
  stdin: z.enum(['nobody', 'everyone']),
});

/** The feed as the host named it (from the program's name, made unique in the host). */
export const feedResult = z.object({ name: z.string().min(1).max(64), room: roomName });

/** What a host's port says about its certificate, asked by main (probeHost) before a first join. */
export const hostProbe = z.discriminatedUnion('tls', [
  z.object({ tls: z.literal(false) }),
  z.object({
    tls: z.literal(true),
    fingerprint,
    hostId: hostIdText,
    /** new: nothing pinned for this address; same: the pin; changed: another certificate than the pin. */
    pin: z.enum(['new', 'same', 'changed']),
    /** The pinned fingerprint when `changed`. */
    pinned: fingerprint.optional(),
  }),
]);

export const trustRequest = z.object({ address: hostAddressText, fingerprint, hostId: hostIdText.optional() });

/** The app refused a certificate that is not the one pinned for that host (pushed to every window). */
export const certificateRefused = z.object({
  hostname: z.string().max(253),
  presented: fingerprint,
  pinned: z.array(fingerprint).max(MAX_PINS),
});

export const startHostingOptions = z.object({
  port: z.int().min(0).max(65535).optional(),
  rooms: z.array(hostedRoom).min(1).max(64),
});

/** Request channels: `ipcRenderer.invoke(channel, ...args)` → result. Names live in ipc-channels.ts. */
export const IPC_CHANNELS = {
  startHosting: { channel: C.startHosting, args: z.tuple([startHostingOptions]), result: hostStatus },
  stopHosting: { channel: C.stopHosting, args: z.tuple([]), result: hostStatus },
  getHostStatus: { channel: C.getHostStatus, args: z.tuple([]), result: hostStatus },
  createRoom: { channel: C.createRoom, args: z.tuple([hostedRoom]), result: hostStatus },
  getSettings: { channel: C.getSettings, args: z.tuple([]), result: settings },
  updateSettings: { channel: C.updateSettings, args: z.tuple([settingsPatch]), result: settings },
  notify: { channel: C.notify, args: z.tuple([notification]), result: z.void() },
  openExternal: { channel: C.openExternal, args: z.tuple([externalUrl]), result: z.void() },
  getDiscoveredHosts: { channel: C.getDiscoveredHosts, args: z.tuple([]), result: z.array(discoveredHost) },
  listInterfaces: { channel: C.listInterfaces, args: z.tuple([]), result: z.array(lanInterface) },
  runDiagnostics: {
    channel: C.runDiagnostics,
    args: z.tuple([z.object({ address: hostAddressText.optional() })]),
    result: diagnosticsReport,
  },
  createInvite: { channel: C.createInvite, args: z.tuple([z.object({ room: roomName })]), result: inviteLink },
  postAnnouncement: { channel: C.postAnnouncement, args: z.tuple([announcementRequest]), result: announcementResult },
  attachFeed: { channel: C.attachFeed, args: z.tuple([feedRequest]), result: feedResult },
  // Saving host files (schemas in ipc-files.ts).
  saveFile: { channel: C.saveFile, args: z.tuple([saveFileRequest]), result: saveFileResult },
  cancelDownload: { channel: C.cancelDownload, args: z.tuple([cancelDownloadRequest]), result: z.void() },
  showInFolder: { channel: C.showInFolder, args: z.tuple([showInFolderRequest]), result: z.void() },
  // The host panel's Connected table and its actions (schemas in moderation.ts).
  getModeration: { channel: C.getModeration, args: z.tuple([]), result: moderationView },
  kickMember: { channel: C.kickMember, args: z.tuple([kickRequest]), result: moderationResult },
  banMember: { channel: C.banMember, args: z.tuple([banRequest]), result: moderationResult },
  liftBan: { channel: C.liftBan, args: z.tuple([unbanRequest]), result: moderationResult },
  muteMember: { channel: C.muteMember, args: z.tuple([muteRequest]), result: moderationResult },
  liftMute: { channel: C.liftMute, args: z.tuple([unmuteRequest]), result: moderationResult },
  probeHost: { channel: C.probeHost, args: z.tuple([z.object({ address: hostAddressText })]), result: hostProbe },
  trustHost: { channel: C.trustHost, args: z.tuple([trustRequest]), result: settings },
} as const satisfies { [A in keyof typeof C]: { channel: (typeof C)[A]; args: z.ZodTuple; result: z.ZodType } };

/** Event channels: main → renderer pushes, `webContents.send(channel, payload)`. */
export const IPC_EVENTS = {
  onHostStatus: { channel: E.onHostStatus, payload: hostStatus },
  onDiscoveredHosts: { channel: E.onDiscoveredHosts, payload: z.array(discoveredHost) },
  onDownloadProgress: { channel: E.onDownloadProgress, payload: downloadProgress },
  onCertificateRefused: { channel: E.onCertificateRefused, payload: certificateRefused },
} as const satisfies { [K in keyof typeof E]: { channel: (typeof E)[K]; payload: z.ZodType } };

export type AnnouncementRequest = z.infer<typeof announcementRequest>;
export type FeedRequest = z.infer<typeof feedRequest>;
export type FeedResult = z.infer<typeof feedResult>;
export type AnnouncementResult = z.infer<typeof announcementResult>;
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
export type DiscoveredHost = z.infer<typeof discoveredHost>;
export type LanInterfaceInfo = z.infer<typeof lanInterface>;
export type DiagnosticsReport = z.infer<typeof diagnosticsReport>;
export type InviteLink = z.infer<typeof inviteLink>;
export type CertificatePin = z.infer<typeof certificatePin>;
export type HostProbe = z.infer<typeof hostProbe>;
export type TrustRequest = z.infer<typeof trustRequest>;
export type CertificateRefused = z.infer<typeof certificateRefused>;
