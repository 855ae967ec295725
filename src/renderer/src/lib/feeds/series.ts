import type { StoredMessage } from '../../../../shared/protocol/index.ts';

/** Fields charted per feed at most (the first ones seen); more would not be readable anyway. */
export const MAX_SERIES = 12;

const KEY_VALUE = /([A-Za-z_][\w.-]{0,31})=(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?=\s|,|;|$)/gi;

/**
 * The numbers of one feed line: a JSON object's numeric fields (`{"cpu":12.5}`), or `key=value`
 * pairs whose value is a number (`cpu=12.5 mem=40`). Null when the line has none.
 */
export function numbersOf(line: string): Record<string, number> | null {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const out: Record<string, number> = {};
    let any = false;
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'number' && Number.isFinite(v)) {
        out[key] = v;
        any = true;
      }
    }
    return any ? out : null;
  }
  if (!trimmed.includes('=')) return null;
  let out: Record<string, number> | null = null;
  for (const match of trimmed.matchAll(KEY_VALUE)) (out ??= {})[match[1]!] = Number(match[2]);
  return out;
}

export interface Point {
  /** Seconds since the epoch (uPlot's time axis). */
  t: number;
  values: Record<string, number>;
}

const parsed = new WeakMap<StoredMessage, Point[]>();

/** The chart points of one stored feed message (cached per message: a room re-reads them often). */
export function pointsOf(message: StoredMessage): Point[] {
  let points = parsed.get(message);
  if (points) return points;
  points = [];
  const lines = (message.body?.lines as { text: string; stream?: string }[] | undefined) ?? [];
  // Lines of one batch share the message's time; spread them by a millisecond so time still rises.
  lines.forEach((line, i) => {
    if (line.stream && line.stream !== 'out') return;
    // eslint-disable-next-line no-control-regex -- colour codes are the point
    const values = numbersOf(line.text.replace(/\u001b\[[0-9;:]*m/g, ''));
    if (values) points!.push({ t: (message.ts + i) / 1000, values });
  });
  parsed.set(message, points);
  return points;
}

/** Each feed of the room whose lines hold numbers, with its points from `since` (seconds) on. */
export function feedPoints(messages: readonly StoredMessage[], since: number): Map<string, Point[]> {
  const feeds = new Map<string, Point[]>();
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.ts / 1000 < since) break; // oldest first: everything before is older still
    if (message.kind !== 'feed' || typeof message.body?.feed !== 'string') continue;
    const points = pointsOf(message);
    if (points.length === 0) continue;
    let list = feeds.get(message.body.feed);
    if (!list) feeds.set(message.body.feed, (list = []));
    for (let j = points.length - 1; j >= 0; j--) list.push(points[j]!);
  }
  for (const list of feeds.values()) list.reverse();
  return feeds;
}

/** Points as uPlot's aligned data: times, then one array per field (null where a line lacked it). */
export function alignedData(points: readonly Point[]): { fields: string[]; data: (number | null)[][] } {
  const fields: string[] = [];
  for (const p of points) {
    for (const key of Object.keys(p.values)) {
      if (fields.length < MAX_SERIES && !fields.includes(key)) fields.push(key);
    }
  }
  const data: (number | null)[][] = [points.map((p) => p.t)];
  for (const field of fields) data.push(points.map((p) => p.values[field] ?? null));
  return { fields, data };
}

/** A feed is charted once this many of its recent lines hold numbers. */
export const MIN_CHART_POINTS = 2;

/**
 * The feeds of the room with enough numbers from `since` (seconds) on to chart, with their points,
 * ordered by feed name so they keep their places as lines arrive (the newest-first scan would swap
 * them at every line).
 */
export function chartedFeeds(messages: readonly StoredMessage[], since: number): [string, Point[]][] {
  return [...feedPoints(messages, since)]
    .filter(([, points]) => points.length >= MIN_CHART_POINTS)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The room's charts from `since` (seconds) on: one per charted feed, its series aligned for uPlot. */
export function feedCharts(
  messages: readonly StoredMessage[],
  since: number,
): { name: string; fields: string[]; data: (number | null)[][] }[] {
  return chartedFeeds(messages, since).map(([name, points]) => ({ name, ...alignedData(points) }));
}
