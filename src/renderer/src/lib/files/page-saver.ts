import type { Download, Saver } from './downloads.svelte.ts';
import { fetchIntoPage, saveBlob } from './page-download.ts';

/** The browser guest's saver: the file comes into the page, its hash is checked, then it is offered as a download. */
export const pageSaver: Saver = {
  async save(download: Download) {
    const { url, name, sha256 } = download.request;
    try {
      const got = await fetchIntoPage({
        url,
        signal: download.controller.signal,
        onProgress: (received) => download.progress(received),
      });
      if (download.phase === 'cancelled') return;
      if (got.sha256 !== sha256) {
        download.actual = got.sha256;
        download.phase = 'mismatch';
        return;
      }
      saveBlob(got.blob, name);
      download.phase = 'saved';
    } catch (error) {
      if (download.phase === 'cancelled') return;
      download.error = error instanceof Error ? error.message : String(error);
      download.phase = 'failed';
    }
  },
  cancel(download: Download) {
    download.controller.abort();
  },
};
