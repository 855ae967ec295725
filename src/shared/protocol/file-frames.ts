import { z } from 'zod';
import { clientMessageId, plainText, ref, roomName, seq, utf16String } from './fields.ts';

/**
 * Files through the host (docs/protocol.md, "Files"): a member offers a file with `upload`, the
 * host posts a `file` message into the room at once and answers with the file's id and the offset
 * to send from; the bytes follow as binary `fileChunk` frames (binary-frames.ts), and `upload-end`
 * hands over the sender's SHA-256, which the host checks before the file counts as complete.
 * Every member sees the transfer's state in `file-state` frames; anyone may download a complete
 * file over HTTP at `/files/<file>?key=<fileKey>`.
 */

/** A file's id on its host: 16 random bytes as 32 lowercase hex digits, the binary frames' `id`. */
export const fileId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits');
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
/** A MIME type as `type/subtype`, lower case, no parameters. */
export const mimeType = z
  .string()
  .max(127)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, 'must be a type/subtype in lower case');
export const DEFAULT_MIME_TYPE = 'application/octet-stream';
/** Image types a client may draw inline (never SVG or HTML: those can carry script). */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** Longest file name an `upload` may carry, in UTF-16 units; the host then makes it safe (safe-file-name.ts). */
export const MAX_UPLOAD_NAME_LENGTH = 4096;
/** Largest image side a client may declare, in pixels. */
export const MAX_IMAGE_SIDE = 65_535;
/** Files one `file-status` may ask about. */
export const MAX_STATUS_FILES = 100;

export const imageSize = z.object({
  width: z.int().min(1).max(MAX_IMAGE_SIDE),
  height: z.int().min(1).max(MAX_IMAGE_SIDE),
});

/** Offer a file to a room, or (same `id` again) ask where an interrupted upload stands. */
export const uploadFrame = z.object({
  type: z.literal('upload'),
  ref: ref.optional(),
  room: roomName,
  /** The sender's own id for this upload, unique per device: repeating it resumes, never duplicates. */
  id: clientMessageId,
  name: plainText(1, MAX_UPLOAD_NAME_LENGTH),
  size: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  mime: mimeType.default(DEFAULT_MIME_TYPE),
  /** Pixel size, for images the sender could decode. */
  image: imageSize.optional(),
});

/** Every byte was sent: here is their SHA-256. */
export const uploadEndFrame = z.object({
  type: z.literal('upload-end'),
  ref: ref.optional(),
  file: fileId,
  sha256: sha256Hex,
});

/** Stop an upload and throw away what the host stored of it. */
export const uploadCancelFrame = z.object({ type: z.literal('upload-cancel'), ref: ref.optional(), file: fileId });

/** Ask for the state of files of a joined room (those a client shows from history). */
export const fileStatusRequestFrame = z.object({
  type: z.literal('file-status'),
  ref: ref.optional(),
  room: roomName,
  files: z.array(fileId).min(1).max(MAX_STATUS_FILES),
});

export const fileStates = ['uploading', 'complete', 'failed', 'cancelled'] as const;
export type FileState = (typeof fileStates)[number];

/** Why a file failed: its hash did not match, its upload stalled past the timeout, or its bytes were lost. */
export const fileFailures = ['hash_mismatch', 'stalled', 'lost'] as const;

/** Where one file's transfer stands. */
export const fileStateInfo = z.object({
  file: fileId,
  /** A state this client does not know reads as `failed`. */
  state: z.enum(fileStates).catch('failed'),
  /** Bytes the host has stored. */
  received: z.int().min(0),
  size: z.int().min(0),
  /** Present once `complete`: the SHA-256 the host checked. */
  sha256: sha256Hex.optional(),
  /** Present when `failed`. */
  reason: z.enum(fileFailures).catch('lost').optional(),
  /** True when complete and the host found the bytes to be the PNG, JPEG, GIF or WebP the `mime` says: only then may a client draw it inline. */
  inline: z.boolean().optional(),
});
export type FileStateInfo = z.infer<typeof fileStateInfo>;

/** The reply to `upload`: the file's id, its message's seq, and the byte to send from. */
export const uploadReplyFrame = z.object({
  type: z.literal('upload'),
  ref: ref.optional(),
  room: roomName,
  id: clientMessageId,
  file: fileId,
  seq: seq.min(1),
  offset: z.int().min(0),
  /** True when this `id` was offered before (a resume). */
  resumed: z.boolean(),
});

/** A file's transfer changed state or moved on: to every member of its room (with `ref` to the sender's request). */
export const fileStateFrame = fileStateInfo.extend({
  type: z.literal('file-state'),
  ref: ref.optional(),
  room: roomName,
});

export const fileStatusFrame = z.object({
  type: z.literal('file-status'),
  ref: ref.optional(),
  room: roomName,
  /** One per file asked about that is in the room; unknown ids are left out. */
  files: z.array(fileStateInfo),
});

/** The body of a stored `file` message. `sha256` is added once the host has checked it. */
export const fileBody = z.object({
  file: fileId,
  /** Already made safe by the host (safe-file-name.ts). */
  name: utf16String(1, 255),
  size: z.int().min(0),
  mime: mimeType.catch(DEFAULT_MIME_TYPE),
  image: imageSize.optional(),
  sha256: sha256Hex.optional(),
});
export type FileBody = z.infer<typeof fileBody>;

/** The word for a count under 1 KiB, in the singular and the plural. */
export interface ByteWords {
  one: string;
  other: string;
}

const ENGLISH_BYTE_WORDS: ByteWords = { one: 'byte', other: 'bytes' };

/**
 * A byte count for people, as the `file` message's text fallback shows it (in English: the host
 * writes it). The renderer passes its UI language's words; KiB and up read the same in every one.
 */
export function formatBytes(bytes: number, words: ByteWords = ENGLISH_BYTE_WORDS): string {
  const units = ['', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? words.one : words.other}`;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
