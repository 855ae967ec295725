// Discovery services: plain Node, no Electron. See docs/discovery.md.
export * from './advert.ts';
export { BeaconListener, BeaconSender, type BeaconStats } from './broadcast-fallback.ts';
export * from './diagnostics.ts';
export {
  Discovery,
  startDiscovery,
  type CreateDiscoveryOptions,
  type DiscoveredHost,
  type DiscoveryChange,
} from './discovery.ts';
export {
  advertOf,
  startDiscoveryForHost,
  type DiscoverableHost,
  type HostDiscovery,
  type HostDiscoveryOptions,
} from './host-discovery.ts';
export * from './interfaces.ts';
export { createInvite, inviteAddresses, type CreatedInvite, type InviteOptions } from './invite.ts';
export { MdnsAnnouncer } from './mdns-announcer.ts';
export { MDNS_QUERY_INTERVAL_MS, MdnsBrowser } from './mdns-browser.ts';
export type { Sighting, Via } from './source.ts';
