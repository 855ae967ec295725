import { app, dialog, shell, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { SaveFileRequest, SaveFileResult } from '../shared/ipc-files.ts';
import { DownloadCancelled, DownloadService, pinnedFetch, type CertificateCheck } from './downloads/index.ts';

export interface FileSavingOptions {
  downloads: DownloadService;
  /** The window the dialog belongs to (the focused one), if any. */
  window: () => BrowserWindow | undefined;
  /** Where the dialog starts (the OS downloads folder). */
  downloadsDir: () => string;
}

/** Longest failure message sent back to the renderer. */
const MAX_MESSAGE = 1000;

/**
 * Saving host files from the desktop app: the save dialog (its default the safe name), the
 * download itself (DownloadService, plain Node), and showing a saved file in its folder. Arguments
 * arrive validated by the IPC contract (src/shared/ipc-files.ts).
 */
export function createFileSaving({ downloads, window, downloadsDir }: FileSavingOptions) {
  return {
    async saveFile(request: SaveFileRequest): Promise<SaveFileResult> {
      const owner = window();
      const options = { defaultPath: join(downloadsDir(), request.name) };
      const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return { state: 'cancelled' };
      try {
        const outcome = await downloads.download({
          id: request.id,
          url: request.url,
          sha256: request.sha256,
          target: choice.filePath,
        });
        if (outcome.state === 'mismatch') return outcome;
        return { state: 'saved', path: outcome.path, bytes: outcome.bytes };
      } catch (error) {
        if (error instanceof DownloadCancelled) return { state: 'cancelled' };
        const message = error instanceof Error ? error.message : String(error);
        return { state: 'failed', message: message.slice(0, MAX_MESSAGE) };
      }
    },
    cancelDownload({ id }: { id: string }): void {
      downloads.cancel(id);
    },
    /** Only a file this app saved: the renderer cannot make the file manager reveal other paths. */
    showInFolder({ path }: { path: string }): void {
      if (!downloads.saved(path)) throw new Error('Only files this app saved can be shown');
      shell.showItemInFolder(path);
    },
  };
}

export type FileSaving = ReturnType<typeof createFileSaving>;

/**
 * Saving into the OS downloads folder by default, the dialog owned by the focused window (or the
 * first); `onProgress` hears each download's progress, for the windows. Files from a host on https
 * come only from the certificate `pinned` accepts (the session's pins), as its pages do.
 */
export function fileSavingFor(
  windows: () => readonly BrowserWindow[],
  pinned: CertificateCheck,
  onProgress?: (id: string, received: number, size: number | null) => void,
): FileSaving {
  return createFileSaving({
    downloads: new DownloadService({ fetch: pinnedFetch(pinned), ...(onProgress ? { onProgress } : {}) }),
    window: () => windows().find((w) => !w.isDestroyed() && w.isFocused()) ?? windows()[0],
    downloadsDir: () => app.getPath('downloads'),
  });
}
