/** Why a device may not connect: the refusal the host sends at `hello`. */
export interface BanRefusal {
  message: string;
  /** Ms until the ban ends; absent for a ban until lifted. */
  retryAfterMs?: number;
}

/** What the frame handlers ask of moderation on the hot path: cheap lookups, no side effects. */
export interface ModerationChecks {
  /** The refusal for a banned device tag, or null. */
  deviceBan(device: string): BanRefusal | null;
  /** Null when `device` may post in `room`; else the ms until it may (Infinity: until unmuted). */
  muteWait(room: string, device: string): number | null;
}
