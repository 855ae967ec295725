import { SvelteMap } from 'svelte/reactivity';
import { RateMeter } from './transfer-rate.ts';

/**
 * - `downloading`: bytes coming in (a dropped connection resumes with `Range`);
 * - `saved`: the bytes have the SHA-256 the host checked at upload, and were saved;
 * - `mismatch`: they do not: nothing was saved;
 * - `failed`: the download could not finish (`error` says why); `cancelled`: the person stopped it.
 */
export type DownloadPhase = 'downloading' | 'saved' | 'mismatch' | 'failed' | 'cancelled';

export interface DownloadRequest {
  /** Which host and file (one download per key at a time). */
  key: string;
  url: string;
  name: string;
  /** The SHA-256 the bytes must have (the `file` body's, or its `file-state`'s). */
  sha256: string;
  size: number;
}

/** One file being saved from a host, for the row that shows it. */
export class Download {
  readonly request: DownloadRequest;
  phase = $state<DownloadPhase>('downloading');
  received = $state(0);
  /** Bytes/s. */
  rate = $state(0);
  /** Why it failed, in the saver's words. */
  error = $state('');
  /** The SHA-256 of what arrived, when it did not match. */
  actual = $state<string | null>(null);
  /** Where it was saved (desktop app only: a browser does not say). */
  path = $state<string | null>(null);
  readonly controller = new AbortController();
  readonly #meter = new RateMeter();

  constructor(request: DownloadRequest) {
    this.request = request;
  }

  progress(received: number, now = Date.now()): void {
    this.received = received;
    this.rate = this.#meter.sample(received, now);
  }
}

/** What saves a file: the page (fetch, then an `<a download>`) or the desktop app (IPC to main). */
export interface Saver {
  /** Fetch, check the hash, save; settle `download`'s phase. Never throws. */
  save(download: Download): Promise<void>;
  /** Stop a download in progress. */
  cancel(download: Download): void;
  /** Show a saved file in its folder, when the platform can. */
  readonly showInFolder?: ((path: string) => void) | undefined;
}

/** The downloads of this window, by key (`host/file`). */
export class Downloads {
  readonly byKey = new SvelteMap<string, Download>();
  readonly saver: Saver;

  constructor(saver: Saver) {
    this.saver = saver;
  }

  get(key: string): Download | undefined {
    return this.byKey.get(key);
  }

  /** Start saving, unless the same file is already downloading. */
  start(request: DownloadRequest): Download {
    const current = this.byKey.get(request.key);
    if (current?.phase === 'downloading') return current;
    const download = new Download(request);
    this.byKey.set(request.key, download);
    void this.saver.save(download).finally(() => (download.rate = 0));
    return download;
  }

  cancel(download: Download): void {
    if (download.phase !== 'downloading') return;
    download.phase = 'cancelled';
    this.saver.cancel(download);
  }
}
