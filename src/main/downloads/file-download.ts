import { createHash, type Hash } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { downloadResumable, type DownloadOptions } from '../../shared/files/resumable-download.ts';

export interface FileDownloadOptions {
  /** An http(s) URL of a host's `/files/<id>?key=…`. */
  url: string;
  /** The SHA-256 the bytes must have (64 lowercase hex). */
  sha256: string;
  /** Where the file goes; it appears there only once every byte is in and checked. */
  target: string;
  onProgress?: (received: number, size: number | null) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  maxRetries?: DownloadOptions['maxRetries'];
  retryDelayMs?: DownloadOptions['retryDelayMs'];
}

export type FileDownloadOutcome =
  | { state: 'saved'; path: string; bytes: number; resumes: number }
  /** The bytes did not have the expected hash: nothing was saved. */
  | { state: 'mismatch'; actual: string };

/** The partial file next to the target while a download runs. */
export const partPathOf = (target: string) => `${target}.part`;

/**
 * Download a host's file to `target`: the bytes go to `<target>.part` while they arrive (a dropped
 * connection resumes with a `Range` request), are hashed on the way, and the part file is renamed
 * to `target` only when its SHA-256 is the one expected. On a mismatch, an error or an abort the
 * part file is removed and `target` is left as it was.
 */
export async function downloadToFile(options: FileDownloadOptions): Promise<FileDownloadOutcome> {
  const part = partPathOf(options.target);
  let handle: FileHandle | null = await open(part, 'w', 0o600);
  let hash: Hash = createHash('sha256');
  try {
    const result = await downloadResumable({
      url: options.url,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
      sink: {
        async write(bytes) {
          hash.update(bytes);
          await handle!.write(bytes);
        },
        async restart() {
          hash = createHash('sha256');
          await handle!.truncate(0);
          await handle!.close();
          handle = await open(part, 'w', 0o600);
        },
      },
    });
    const actual = hash.digest('hex');
    await handle.sync();
    await handle.close();
    handle = null;
    if (actual !== options.sha256) {
      await rm(part, { force: true });
      return { state: 'mismatch', actual };
    }
    await rename(part, options.target);
    return { state: 'saved', path: options.target, bytes: result.bytes, resumes: result.resumes };
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(part, { force: true });
    throw error;
  }
}
