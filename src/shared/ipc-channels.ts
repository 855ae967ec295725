/**
 * The names of the IPC channels, as plain strings with no schema library attached, so the sandboxed
 * preload can import them without bundling zod. `ipc.ts` pairs each one with its schemas; a type check
 * there keeps the two lists the same.
 */

/** Request channels, by the bridge function that calls them. */
export const IPC_CHANNEL_NAMES = {
  startHosting: 'host:start',
  stopHosting: 'host:stop',
  getHostStatus: 'host:status',
  createRoom: 'host:create-room',
  getSettings: 'settings:get',
  updateSettings: 'settings:update',
  notify: 'desktop:notify',
  openExternal: 'desktop:open-external',
  getDiscoveredHosts: 'discovery:hosts',
  listInterfaces: 'discovery:interfaces',
  runDiagnostics: 'discovery:diagnose',
  createInvite: 'host:create-invite',
  postAnnouncement: 'host:post-announcement',
  attachFeed: 'host:attach-feed',
  saveFile: 'files:save',
  cancelDownload: 'files:cancel-download',
  showInFolder: 'files:show-in-folder',
  getModeration: 'host:moderation',
  kickMember: 'host:kick',
  banMember: 'host:ban',
  liftBan: 'host:unban',
  muteMember: 'host:mute',
  liftMute: 'host:unmute',
  probeHost: 'pins:probe',
  trustHost: 'pins:trust',
} as const;

/** Event channels (main → renderer), by the bridge function that subscribes to them. */
export const IPC_EVENT_NAMES = {
  onHostStatus: 'host:status-changed',
  onDiscoveredHosts: 'discovery:hosts-changed',
  onDownloadProgress: 'files:download-progress',
  onCertificateRefused: 'pins:certificate-refused',
} as const;
