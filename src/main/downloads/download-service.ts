import { downloadToFile, type FileDownloadOutcome } from './file-download.ts';

export interface DownloadRequest {
  /** The renderer's id for this download (its progress events carry it). */
  id: string;
  url: string;
  sha256: string;
  target: string;
}

/** The download was cancelled (DownloadService.cancel). */
export class DownloadCancelled extends Error {
  constructor() {
    super('The download was cancelled.');
    this.name = 'DownloadCancelled';
  }
}

export interface DownloadServiceOptions {
  /** Hears each download's progress (at most every `progressIntervalMs`, and at the end). */
  onProgress?: (id: string, received: number, size: number | null) => void;
  progressIntervalMs?: number;
  fetch?: typeof fetch;
  retryDelayMs?: (attempt: number) => number;
  clock?: () => number;
}

/**
 * The desktop app's downloads of host files, in plain Node: several at once, each cancellable by
 * id, with progress throttled for IPC. It remembers the files it saved, so "show in folder" is
 * offered only for those (the renderer cannot name any other path).
 */
export class DownloadService {
  readonly #options: DownloadServiceOptions;
  readonly #running = new Map<string, AbortController>();
  readonly #saved = new Set<string>();

  constructor(options: DownloadServiceOptions = {}) {
    this.#options = options;
  }

  async download(request: DownloadRequest): Promise<FileDownloadOutcome> {
    if (this.#running.has(request.id)) throw new Error(`download ${request.id} is already running`);
    const controller = new AbortController();
    this.#running.set(request.id, controller);
    const clock = this.#options.clock ?? Date.now;
    const interval = this.#options.progressIntervalMs ?? 250;
    let last = -Infinity;
    try {
      const outcome = await downloadToFile({
        url: request.url,
        sha256: request.sha256,
        target: request.target,
        signal: controller.signal,
        ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
        ...(this.#options.retryDelayMs ? { retryDelayMs: this.#options.retryDelayMs } : {}),
        onProgress: (received, size) => {
          const now = clock();
          if (now - last < interval && received !== size) return;
          last = now;
          this.#options.onProgress?.(request.id, received, size);
        },
      });
      if (outcome.state === 'saved') this.#saved.add(outcome.path);
      return outcome;
    } catch (error) {
      throw controller.signal.aborted ? new DownloadCancelled() : error;
    } finally {
      this.#running.delete(request.id);
    }
  }

  /** Stop a download; true when one of that id was running. */
  cancel(id: string): boolean {
    const controller = this.#running.get(id);
    controller?.abort();
    return controller !== undefined;
  }

  /** True for a file this service saved (in this run of the app). */
  saved(path: string): boolean {
    return this.#saved.has(path);
  }
}
