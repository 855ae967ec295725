/**
 * True when a connection has not read anything for a heartbeat interval: bytes were queued for it
 * at the last beat, bytes are still queued now, and none of them left in between. Lets the
 * heartbeat drop a client that answers pings (or sends frames) but never reads.
 */
export function stalled(queuedAtBeat: number, writtenSinceBeat: number, queuedNow: number): boolean {
  const drained = queuedAtBeat + writtenSinceBeat - queuedNow;
  return queuedAtBeat > 0 && queuedNow > 0 && drained <= 0;
}
