// The host service's public entry: what the CLI, the host worker and other services may use.
export { HostServer, type RoomSettings } from './host-server.ts';
export type { Announced, AnnounceOptions } from './rooms/announcements.ts';
export type { BinaryHandler } from './binary-handlers.ts';
export type { HostContext } from './host-context.ts';
export { resolveHostOptions, type HostOptions, type ResolvedHostOptions } from './options.ts';
export {
  HOST_DEVICE,
  RoomHub,
  type DeliverFilter,
  type Post,
  type PostAuthor,
  type PostCallback,
  type PostResult,
} from './rooms/room-hub.ts';
export type { Recipient, Room } from './rooms/room.ts';
export { encodeTextFrame } from './text-frame.ts';
export { httpUrl, lanAddresses, listeningAddresses, type LanAddress } from './lan-addresses.ts';
export { DEFAULT_JOIN_TOKEN_TTL_MS, MAX_JOIN_TOKEN_TTL_MS } from './auth/join-token.ts';
export { loadOrCreateAdminSecret, type AdminSecret } from './auth/admin-secret.ts';
export { Moderation, ModerationError, refusedAsMuted } from './moderation/index.ts';
export { sendError, type ErrorExtra } from './send-error.ts';
export { contentTypeOf, resolveInside, webRoot, type WebFile } from './web-root.ts';
