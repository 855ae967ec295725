import type { TincanBridge } from '../../../../shared/bridge.ts';
import { bridgeErrorMessage } from '../bridge-error.ts';
import { newClientId } from '../net/client-id.ts';
import type { Download, Saver } from './downloads.svelte.ts';

/**
 * The desktop app's saver: the main process asks where to save (the safe name as default),
 * downloads with Range-resume, checks the SHA-256, writes a `.part` and renames it. Progress comes
 * back as `onDownloadProgress` events, by the id given here.
 */
export function desktopSaver(bridge: TincanBridge): Saver {
  // Bookkeeping of calls in flight, not shown.
  const running = new Map<string, Download>();
  bridge.onDownloadProgress(({ id, received }) => running.get(id)?.progress(received));
  const idOf = (download: Download) => [...running].find(([, d]) => d === download)?.[0];
  return {
    async save(download) {
      const id = newClientId();
      running.set(id, download);
      const { url, sha256, name } = download.request;
      try {
        const result = await bridge.saveFile({ id, url, sha256, name });
        if (result.state === 'saved') {
          download.path = result.path;
          download.progress(result.bytes);
          download.phase = 'saved';
        } else if (result.state === 'mismatch') {
          download.actual = result.actual;
          download.phase = 'mismatch';
        } else if (result.state === 'failed') {
          download.error = result.message;
          download.phase = 'failed';
        } else {
          download.phase = 'cancelled';
        }
      } catch (error) {
        download.error = bridgeErrorMessage(error);
        download.phase = 'failed';
      } finally {
        running.delete(id);
      }
    },
    cancel(download) {
      const id = idOf(download);
      if (id !== undefined) void bridge.cancelDownload({ id }).catch(() => {});
    },
    showInFolder: (path) => void bridge.showInFolder({ path }).catch(() => {}),
  };
}
