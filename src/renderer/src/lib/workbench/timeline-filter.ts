import { toHex } from '../net/bytes.ts';
import type { TimelineEntry } from '../net/frame-timeline.svelte.ts';

export interface TimelineFilter {
  in: boolean;
  out: boolean;
  events: boolean;
  heartbeats: boolean;
  /** A regular expression matched against the text (hex for binary, detail for events); '' matches all. */
  pattern: string;
}

export const DEFAULT_FILTER: TimelineFilter = { in: true, out: true, events: true, heartbeats: false, pattern: '' };

export type FilterResult = { ok: true; entries: TimelineEntry[] } | { ok: false; error: string };

/**
 * The entries a filter lets through. A pattern that is not a valid regular expression is an
 * error to show (the list stays as it was), never an exception.
 */
export function filterTimeline(entries: readonly TimelineEntry[], filter: TimelineFilter): FilterResult {
  let regex: RegExp | null = null;
  if (filter.pattern !== '') {
    try {
      regex = new RegExp(filter.pattern, 'iu');
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
  const out = entries.filter((entry) => {
    if (entry.heartbeat && !filter.heartbeats) return false;
    if (entry.direction === 'in' && !filter.in) return false;
    if (entry.direction === 'out' && !filter.out) return false;
    if (entry.direction === 'event' && !filter.events) return false;
    if (!regex) return true;
    const haystack = entry.text ?? (entry.bytes ? toHex(entry.bytes) : '');
    return regex.test(haystack) || (entry.kind !== undefined && regex.test(entry.kind));
  });
  return { ok: true, entries: out };
}
