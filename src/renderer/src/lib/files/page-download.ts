import { safeFileName } from '../../../../shared/files/safe-file-name.ts';
import { downloadResumable } from '../../../../shared/files/resumable-download.ts';
import { createSha256, type Sha256Stream } from './sha256.ts';

/** Bytes gathered before they become one Blob part (which the browser may keep on disk). */
const PART_BYTES = 8 * 1024 * 1024;

export interface PageDownload {
  url: string;
  onProgress?: (received: number, size: number | null) => void;
  signal?: AbortSignal;
}

/**
 * Fetch a file into the page, resuming with `Range` after a drop, and hash it on the way. Resolves
 * with the bytes as a Blob and their SHA-256; nothing is saved yet (the caller checks the hash
 * first).
 */
export async function fetchIntoPage({
  url,
  onProgress,
  signal,
}: PageDownload): Promise<{ blob: Blob; sha256: string }> {
  let hash: Sha256Stream = await createSha256();
  let parts: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  await downloadResumable({
    url,
    ...(onProgress ? { onProgress } : {}),
    ...(signal ? { signal } : {}),
    sink: {
      write(bytes) {
        hash.update(bytes);
        pending.push(bytes);
        pendingBytes += bytes.byteLength;
        if (pendingBytes >= PART_BYTES) {
          parts.push(new Blob(pending as BlobPart[]));
          pending = [];
          pendingBytes = 0;
        }
      },
      async restart() {
        hash = await createSha256();
        parts = [];
        pending = [];
        pendingBytes = 0;
      },
    },
  });
  const blob = new Blob([...parts, ...(pending as BlobPart[])], { type: 'application/octet-stream' });
  return { blob, sha256: hash.hex() };
}

/** Hand a Blob to the browser as a download named `name` (an `<a download>`; never opened as a page). */
export function saveBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = safeFileName(name);
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has started reading it by now; keep it a while for slow disks.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
