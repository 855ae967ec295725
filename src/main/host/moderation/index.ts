// The host operator's moderation: the live view of connections, kick, ban, mute, and the admin API.
export { Moderation, ModerationError, type ModerationOptions } from './moderation.ts';
export type { BanRefusal, ModerationChecks } from './moderation-checks.ts';
export { parseAddressRange, type AddressRange } from './address-range.ts';
export { closeReason, MAX_CLOSE_REASON_BYTES } from './close-reason.ts';
export { refusedAsMuted } from './refusals.ts';
