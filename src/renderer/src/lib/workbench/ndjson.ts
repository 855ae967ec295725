import { parseBase64, toBase64 } from '../net/bytes.ts';
import type { TimelineEntry } from '../net/frame-timeline.svelte.ts';

/** The first line of an export: what the file is and where it was recorded. */
export interface TimelineHeader {
  format: 'tincan-timeline';
  version: 1;
  url: string;
  exportedAt: number;
}

/** One frame or event as imported: what replay needs, and what the timeline shows. */
export interface ImportedFrame {
  at: number;
  direction: 'in' | 'out' | 'event';
  type: TimelineEntry['type'];
  size: number;
  text?: string;
  bytes?: Uint8Array;
  truncated: boolean;
  kind?: string;
  heartbeat: boolean;
}

export interface ImportResult {
  header: TimelineHeader | null;
  frames: ImportedFrame[];
  /** Lines that could not be read, by number (1-based), with why. */
  errors: { line: number; message: string }[];
}

const TYPES = new Set(['text', 'binary', 'connecting', 'open', 'close', 'error']);
const DIRECTIONS = new Set(['in', 'out', 'event']);
/** Lines read from one file at most (an export holds at most the timeline's 2000 entries plus its header). */
export const MAX_IMPORT_LINES = 10_000;

/**
 * A timeline as NDJSON: a header line, then one JSON object per entry, oldest first. Text is
 * kept as text, binary as base64 (`"encoding":"base64"`); `size` is the true size in bytes.
 */
export function exportTimeline(entries: readonly TimelineEntry[], url: string, now = Date.now()): string {
  const header: TimelineHeader = { format: 'tincan-timeline', version: 1, url, exportedAt: now };
  const lines = [JSON.stringify(header)];
  for (const e of entries) {
    lines.push(
      JSON.stringify({
        at: e.at,
        dir: e.direction,
        type: e.type,
        size: e.size,
        ...(e.text !== undefined ? { data: e.text } : {}),
        ...(e.bytes !== undefined ? { data: toBase64(e.bytes), encoding: 'base64' } : {}),
        ...(e.truncated ? { truncated: true } : {}),
        ...(e.kind !== undefined ? { kind: e.kind } : {}),
        ...(e.heartbeat ? { heartbeat: true } : {}),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

function readFrame(value: unknown): ImportedFrame | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.at !== 'number' || !Number.isFinite(v.at)) return '"at" must be a number (ms since the epoch)';
  if (typeof v.dir !== 'string' || !DIRECTIONS.has(v.dir)) return '"dir" must be "in", "out" or "event"';
  if (typeof v.type !== 'string' || !TYPES.has(v.type)) return `unknown "type" ${JSON.stringify(v.type)}`;
  if (v.data !== undefined && typeof v.data !== 'string') return '"data" must be a string';
  const frame: ImportedFrame = {
    at: v.at,
    direction: v.dir as ImportedFrame['direction'],
    type: v.type as ImportedFrame['type'],
    size: 0,
    truncated: v.truncated === true,
    heartbeat: v.heartbeat === true,
    ...(typeof v.kind === 'string' ? { kind: v.kind } : {}),
  };
  if (typeof v.data === 'string') {
    if (v.encoding === 'base64') {
      const bytes = parseBase64(v.data);
      if (!bytes) return '"data" is not base64';
      frame.bytes = bytes;
    } else if (v.encoding !== undefined) return `unknown "encoding" ${JSON.stringify(v.encoding)}`;
    else frame.text = v.data;
  }
  if (frame.type === 'binary' && frame.text !== undefined) return 'binary data must be base64';
  frame.size =
    typeof v.size === 'number' && Number.isInteger(v.size) && v.size >= 0
      ? v.size
      : (frame.bytes?.byteLength ?? new TextEncoder().encode(frame.text ?? '').byteLength);
  return frame;
}

/** Read an export (or any NDJSON of such lines). Bad lines are reported and skipped; blank lines ignored. */
export function importTimeline(text: string): ImportResult {
  const result: ImportResult = { header: null, frames: [], errors: [] };
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_IMPORT_LINES + 1) {
    result.errors.push({
      line: MAX_IMPORT_LINES + 1,
      message: `more than ${MAX_IMPORT_LINES} lines: the rest is ignored`,
    });
    lines.length = MAX_IMPORT_LINES;
  }
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      result.errors.push({ line: i + 1, message: 'not JSON' });
      return;
    }
    const v = value as Record<string, unknown>;
    if (i === 0 && v?.format === 'tincan-timeline') {
      result.header = {
        format: 'tincan-timeline',
        version: 1,
        url: typeof v.url === 'string' ? v.url : '',
        exportedAt: typeof v.exportedAt === 'number' ? v.exportedAt : 0,
      };
      return;
    }
    const frame = readFrame(value);
    if (typeof frame === 'string') result.errors.push({ line: i + 1, message: frame });
    else result.frames.push(frame);
  });
  return result;
}
