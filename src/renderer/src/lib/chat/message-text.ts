/** A piece of a chat message as the UI renders it: always as text nodes, never as HTML. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string; self: boolean };

// http(s) URLs only; trailing punctuation that usually ends a sentence is not part of the link.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/giu;
const TRAILING = /[.,;:!?)\]}'"。，；：！？）]+$/u;
const MENTION = /(^|[\s(])@([^\s@,.;:!?()]{1,32})/gu;

/** The link target if `href` is a well-formed http(s) URL, else null: nothing else becomes a link. */
export function safeHref(href: string): string | null {
  if (!URL.canParse(href)) return null;
  const url = new URL(href);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

/** Split `text` into plain text, links (http/https only) and @mentions (`self` when it names `myNick`). */
export function segmentMessage(text: string, myNick: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING, '');
    const start = match.index;
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) segments.push(...mentions(text.slice(last, start), myNick));
    segments.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) segments.push(...mentions(text.slice(last), myNick));
  return segments;
}

function mentions(text: string, myNick: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const lead = match[1]!;
    const start = match.index + lead.length;
    if (start > last) out.push({ kind: 'text', text: text.slice(last, start) });
    const name = match[2]!;
    out.push({ kind: 'mention', text: `@${name}`, self: sameNick(name, myNick) });
    last = start + 1 + name.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

function sameNick(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

/** True when the message mentions `myNick` (for desktop notifications). */
export function mentionsMe(text: string, myNick: string): boolean {
  return segmentMessage(text, myNick).some((s) => s.kind === 'mention' && s.self);
}

/** A piece of text and whether it matches a search query (for highlighting). */
export interface MatchPiece {
  text: string;
  match: boolean;
}

/**
 * Split `text` around the case-insensitive occurrences of `query` (empty query: one piece). The
 * query is matched literally, never as a pattern.
 */
export function splitMatches(text: string, query: string): MatchPiece[] {
  const q = query.trim();
  if (q === '') return [{ text, match: false }];
  const pattern = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
  const pieces: MatchPiece[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m[0].length === 0) continue;
    if (m.index > last) pieces.push({ text: text.slice(last, m.index), match: false });
    pieces.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), match: false });
  return pieces;
}
