import type { Connection } from '../net/connection.svelte.ts';
import type { ImportedFrame } from './ndjson.ts';

export interface ReplayOptions {
  /** Keep the recorded gaps between frames (divided by `speed`), or send back to back. */
  timing: 'recorded' | 'fast';
  /** 2 plays twice as fast. Default 1. */
  speed?: number;
  /** Longest wait between two frames, ms (a recording with an idle hour does not stall). Default 5 s. */
  maxGapMs?: number;
}

export interface ReplayResult {
  sent: number;
  /** Outgoing frames not sent: cut when recorded (their data is incomplete). */
  skipped: number;
  /** Why it stopped early, if it did. */
  stopped?: 'closed' | 'cancelled';
}

export interface Replay {
  done: Promise<ReplayResult>;
  cancel(): void;
}

/**
 * Send a recording's outgoing frames again, in order, over an open connection: text as text,
 * binary as binary, byte for byte. What comes back lands in the connection's own timeline.
 */
export function replay(frames: readonly ImportedFrame[], connection: Connection, options: ReplayOptions): Replay {
  let cancelled = false;
  let wake: (() => void) | null = null;
  const speed = options.speed && options.speed > 0 ? options.speed : 1;
  const maxGap = options.maxGapMs ?? 5000;
  const done = (async (): Promise<ReplayResult> => {
    const outgoing = frames.filter((f) => f.direction === 'out' && (f.type === 'text' || f.type === 'binary'));
    let sent = 0;
    let skipped = 0;
    let previousAt: number | null = null;
    for (const frame of outgoing) {
      if (options.timing === 'recorded' && previousAt !== null) {
        const gap = Math.min(maxGap, Math.max(0, frame.at - previousAt) / speed);
        if (gap > 0)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, gap);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
      }
      previousAt = frame.at;
      if (cancelled) return { sent, skipped, stopped: 'cancelled' };
      if (frame.truncated) {
        skipped++;
        continue;
      }
      const data = frame.type === 'binary' ? (frame.bytes ?? new Uint8Array(0)) : (frame.text ?? '');
      if (!connection.send(data)) return { sent, skipped, stopped: 'closed' };
      sent++;
    }
    return { sent, skipped };
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
      wake?.();
    },
  };
}
