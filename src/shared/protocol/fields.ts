import { z } from 'zod';

// Characters with no place in names or text:
// - C0 and C1 controls and DEL (U+0000–U+001F, U+007F–U+009F); text keeps newline and tab;
// - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make text
//   read differently from what it is ("Trojan Source"). The marks LRM, RLM and ALM stay allowed in
//   text: right-to-left writers need them, and clients show every message bidi-isolated.
// Names must also be visible: no zero-width characters (U+200B–U+200F, U+2060, U+FEFF, U+061C) and
// no Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), which render as nothing.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const NAME_INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff\u061c\u115f\u1160\u3164\uffa0]/u;

// A lone UTF-16 surrogate cannot be stored as UTF-8 (SQLite would turn it into U+FFFD), so the
// stored text would differ from what was broadcast. Refuse it at the door.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);
const WELL_FORMED = 'must be well-formed Unicode (no lone surrogates)';

/**
 * A string of `min`..`max` UTF-16 code units, what `String.length` counts and what
 * docs/protocol.md promises. (zod's own `.min`/`.max` count code points, which lets a name of 64
 * emoji take 128 units.)
 */
export function utf16String(min: number, max: number) {
  return z
    .string()
    .refine((s) => s.length >= min, `must be at least ${min} character${min === 1 ? '' : 's'} (UTF-16 units)`)
    .refine((s) => s.length <= max, `must be at most ${max} characters (UTF-16 units)`);
}

/** A printable, visible, trimmed name of 1..`max` UTF-16 units. */
function displayName(max: number) {
  return utf16String(1, max)
    .refine((s) => !NAME_INVISIBLE.test(s), 'must not contain control, bidi or invisible characters')
    .refine((s) => s.trim() === s, 'must not start or end with spaces')
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .refine(wellFormed, WELL_FORMED);
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

export const roomName = displayName(64);
export const nickname = displayName(32);
/** Chosen once per install by the client and kept; scopes idempotent retries. Never shown to others. */
export const deviceId = z.string().min(8).max(64).regex(TOKEN, 'must be letters, digits, _ or -');
/** The client's own id for a message, unique per device; a retry reuses it. */
export const clientMessageId = z.string().min(1).max(64).regex(TOKEN, 'must be letters, digits, _ or -');
/** Opaque request tag echoed in the reply or error so a client can match them. */
export const ref = utf16String(1, 64);
export const seq = z.int().min(0);
/** Milliseconds since the Unix epoch, within what a JavaScript Date can hold. */
export const timestamp = z.int().min(0).max(8.64e15);
/** Fixed by the protocol, not per host, so every client can check before sending. */
export const MAX_TEXT_LENGTH = 8000;
export const MAX_PAGE_SIZE = 500;
export const MAX_SEARCH_RESULTS = 100;
export const MAX_QUERY_LENGTH = 200;
/** Search results when a `search` frame does not say. */
export const DEFAULT_SEARCH_RESULTS = 20;
/** Words of a search query that are used; the rest are ignored. */
export const MAX_QUERY_WORDS = 16;

/** Message text of 1..`max` UTF-16 units: no controls but newline and tab, no bidi overrides, not blank. */
export function messageText(max: number) {
  return utf16String(1, max)
    .refine(
      (s) => !TEXT_CONTROL.test(s),
      'must not contain control characters (other than newline and tab) or bidi overrides',
    )
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .refine(wellFormed, WELL_FORMED);
}

/** Chat text: up to MAX_TEXT_LENGTH UTF-16 code units (what `String.length` counts). */
export const chatText = messageText(MAX_TEXT_LENGTH);

/** Text that is not shown to others (passwords, search queries): bounded and well-formed. */
export const plainText = (min: number, max: number) => utf16String(min, max).refine(wellFormed, WELL_FORMED);
