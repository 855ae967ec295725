import { cutUtf8 } from '../cut-text.ts';

/**
 * A file name someone else chose, made safe to show and to save under: what the host stores for
 * an upload, and what a client uses as a save dialog's default or a download's name. Never a path:
 * the host names stored files by id, not by this.
 *
 * The rules (docs/protocol.md, "Files"), in order:
 * 1. Unicode NFC; only the last path segment (after any `/` or `\`);
 * 2. controls (C0, C1, DEL), bidi controls and marks, zero-width and filler characters removed;
 * 3. `< > : " | ? *` (refused by Windows) become `_`; runs of white space become one space;
 * 4. spaces and dots trimmed from both ends (no hidden files, no `..`, nothing Windows strips);
 * 5. a Windows device name (CON, PRN, AUX, NUL, COM0–9, LPT0–9, with any extension) gets a `_` prefix;
 * 6. at most MAX_FILE_NAME_BYTES of UTF-8, cut in the stem so a short extension survives;
 * 7. nothing left: `file`.
 */

/** Longest safe name in UTF-8 bytes: what ext4, APFS and NTFS (in UTF-16 units, which is no more) all take. */
export const MAX_FILE_NAME_BYTES = 255;
/** An extension longer than this is treated as part of the stem when a long name is cut. */
const MAX_KEPT_EXTENSION = 16;
export const FALLBACK_FILE_NAME = 'file';

const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c\u115f\u1160\u3164\uffa0]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
const WINDOWS_RESERVED_CHARS = /[<>:"|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/iu;

const utf8 = new TextEncoder();
const byteLength = (s: string) => utf8.encode(s).length;

const trimEnds = (s: string) => s.replace(/^[\s.]+|[\s.]+$/gu, '');

export function safeFileName(raw: string): string {
  // A lone surrogate cannot be saved as UTF-8: it becomes U+FFFD first.
  const segments = raw.replace(LONE_SURROGATE, '\ufffd').normalize('NFC').split(/[/\\]/);
  let name = segments.filter((s) => trimEnds(s.replace(INVISIBLE, '')) !== '').pop() ?? '';
  name = name.replace(INVISIBLE, '').replace(WINDOWS_RESERVED_CHARS, '_').replace(/\s+/gu, ' ');
  name = trimEnds(name);
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  if (byteLength(name) > MAX_FILE_NAME_BYTES) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= MAX_KEPT_EXTENSION + 1 ? name.slice(dot) : '';
    const stem = name.slice(0, name.length - extension.length);
    name = (trimEnds(cutUtf8(stem, MAX_FILE_NAME_BYTES - byteLength(extension))) || FALLBACK_FILE_NAME) + extension;
  }
  return name === '' ? FALLBACK_FILE_NAME : name;
}
