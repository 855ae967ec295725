/** What the guard needs of a connection. */
export interface Queued {
  /** Bytes queued for it and not yet taken by the kernel. */
  readonly queuedBytes: number;
  drop(reason: string): void;
}

/**
 * Keeps the bytes queued for all connections together under `cap`: when they pass it, the
 * connections with the biggest queues are dropped first until the total is back under. Per
 * connection, `maxBufferedBytes` already holds; this bounds the host as a whole (4 MiB × 2000
 * connections would be 8 GB).
 */
export function dropBiggestQueues(connections: Iterable<Queued>, cap: number): number {
  const queued = [...connections].filter((c) => c.queuedBytes > 0);
  let total = queued.reduce((sum, c) => sum + c.queuedBytes, 0);
  if (total <= cap) return 0;
  queued.sort((a, b) => b.queuedBytes - a.queuedBytes);
  let dropped = 0;
  for (const connection of queued) {
    if (total <= cap) break;
    total -= connection.queuedBytes;
    connection.drop(`the host's queues passed ${cap} bytes`);
    dropped++;
  }
  return dropped;
}
