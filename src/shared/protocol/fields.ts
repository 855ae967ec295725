import { z } from 'zod';

// Control characters (C0, DEL, C1) and the bidi overrides used to disguise text have no place in
// names; chat text may hold newlines and tabs, nothing else from C0.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

// A lone UTF-16 surrogate cannot be stored as UTF-8 (SQLite would turn it into U+FFFD), so the
// stored text would differ from what was broadcast. Refuse it at the door.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);
const WELL_FORMED = 'must be well-formed Unicode (no lone surrogates)';

/** A printable, trimmed name of `min`..`max` characters. */
function displayName(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .refine((s) => s.trim() === s, 'must not start or end with spaces')
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
export const ref = z.string().min(1).max(64);
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

/** Chat text: up to MAX_TEXT_LENGTH UTF-16 code units (what `String.length` counts). */
export const chatText = z
  .string()
  .min(1)
  .max(MAX_TEXT_LENGTH)
  .refine((s) => !TEXT_CONTROL.test(s), 'must not contain control characters other than newline and tab')
  .refine((s) => s.trim().length > 0, 'must not be blank')
  .refine(wellFormed, WELL_FORMED);

/** Text that is not shown to others (passwords, search queries): bounded and well-formed. */
export const plainText = (min: number, max: number) => z.string().min(min).max(max).refine(wellFormed, WELL_FORMED);
