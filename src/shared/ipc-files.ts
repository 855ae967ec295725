import { z } from 'zod';
import { safeFileName } from './files/safe-file-name.ts';
import { sha256Hex } from './protocol/file-frames.ts';

/**
 * The IPC schemas of saving host files in the desktop app (channels in ipc.ts): the renderer names
 * a host file's URL, the SHA-256 it must have and the name to suggest; the main process asks where
 * to save, downloads (resuming after drops), checks the hash and saves, or says why not.
 */

const FILE_PATH = /^\/files\/[0-9a-f]{32}$/;

/** An http(s) URL of a file on a Tincan host: `/files/<32 hex>`, no credentials, no fragment. */
export function isHostFileUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.hash === '' &&
    FILE_PATH.test(url.pathname)
  );
}

export const hostFileUrl = z
  .string()
  .max(4096)
  .refine(isHostFileUrl, 'must be an http(s) URL of a host file (/files/<32 hex digits>)');

/** The renderer's id for one download: its progress events carry it. */
export const downloadId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -');

export const saveFileRequest = z.object({
  id: downloadId,
  url: hostFileUrl,
  sha256: sha256Hex,
  /** The save dialog's suggestion; whatever the renderer sends is made safe here (safe-file-name.ts). */
  name: z.string().min(1).max(4096).transform(safeFileName),
});

export const saveFileResult = z.discriminatedUnion('state', [
  z.object({ state: z.literal('saved'), path: z.string().min(1).max(4096), bytes: z.int().min(0) }),
  /** The person closed the dialog, or cancelled the download. */
  z.object({ state: z.literal('cancelled') }),
  /** The bytes arrived with another SHA-256: nothing was saved. */
  z.object({ state: z.literal('mismatch'), actual: sha256Hex }),
  z.object({ state: z.literal('failed'), message: z.string().max(1000) }),
]);

export const cancelDownloadRequest = z.object({ id: downloadId });

/** A path the app saved a file to in this run (any other is refused). */
export const showInFolderRequest = z.object({ path: z.string().min(1).max(4096) });

/** How far a download has got (pushed to the windows a few times a second). */
export const downloadProgress = z.object({
  id: downloadId,
  received: z.int().min(0),
  size: z.int().min(0).nullable(),
});

export type SaveFileRequest = z.infer<typeof saveFileRequest>;
export type SaveFileResult = z.infer<typeof saveFileResult>;
export type DownloadProgress = z.infer<typeof downloadProgress>;
