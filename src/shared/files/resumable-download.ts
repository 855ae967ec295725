/**
 * Download a file over HTTP and carry on with a `Range` request when the connection drops midway,
 * for the web client (fetch in the page) and the desktop app (fetch in the main process) alike.
 * Only `fetch` and web streams: no DOM, no Node.
 *
 * The host serves `/files/<id>` with `Accept-Ranges: bytes` and a strong ETag; a resume sends
 * `Range: bytes=<received>-` with `If-Range: <etag>`, so a host that answers `200` instead of `206`
 * is sending the whole file again, and the sink is told to start over.
 */

/** Where the bytes go, in order. */
export interface DownloadSink {
  write(bytes: Uint8Array): void | Promise<void>;
  /** Throw away what was written: the host is sending the file from its first byte again. */
  restart(): void | Promise<void>;
}

export interface DownloadOptions {
  url: string;
  sink: DownloadSink;
  /** Failed attempts in a row (no byte arrived in between) before giving up. Default 8. */
  maxRetries?: number;
  /** Wait before attempt `n` after a failure (1-based), ms. Default 250 ms doubling up to 5 s. */
  retryDelayMs?: (attempt: number) => number;
  onProgress?: (received: number, size: number | null) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface DownloadResult {
  bytes: number;
  /** The host's ETag, if it sent one. */
  etag: string | null;
  /** How many times the download picked up after a drop. */
  resumes: number;
}

/** An answer that no retry can help: the file is gone, incomplete, or the key is wrong. */
export class DownloadRefused extends Error {
  readonly status: number;
  constructor(status: number) {
    super(status === 404 ? 'The host has no such file (or the link is not valid).' : `The host answered ${status}.`);
    this.name = 'DownloadRefused';
    this.status = status;
  }
}

const defaultDelay = (attempt: number) => Math.min(5000, 250 * 2 ** (attempt - 1));

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

/** The total size from `Content-Range: bytes a-b/size`, or from Content-Length on a 200. */
function sizeOf(response: Response, received: number): number | null {
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const length = response.headers.get('content-length');
  return length !== null && response.status === 200
    ? Number(length)
    : length !== null
      ? received + Number(length)
      : null;
}

export async function downloadResumable(options: DownloadOptions): Promise<DownloadResult> {
  const { url, sink, signal } = options;
  const fetchImpl = options.fetch ?? fetch;
  const maxRetries = options.maxRetries ?? 8;
  const delay = options.retryDelayMs ?? defaultDelay;
  let received = 0;
  let etag: string | null = null;
  let size: number | null = null;
  let failures = 0;
  let resumes = 0;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const headers: Record<string, string> = {};
      if (received > 0) {
        headers['Range'] = `bytes=${received}-`;
        if (etag) headers['If-Range'] = etag;
      }
      const response = await fetchImpl(url, { headers, cache: 'no-store', ...(signal ? { signal } : {}) });
      if (response.status === 416 && size !== null && received === size) break; // it was all in already
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel();
        // 5xx may pass; 4xx will not.
        if (response.status < 500) throw new DownloadRefused(response.status);
        throw new Error(`The host answered ${response.status}.`);
      }
      if (response.status === 200 && received > 0) {
        await sink.restart();
        received = 0;
      }
      if (received > 0) resumes++;
      etag = response.headers.get('etag') ?? etag;
      size = sizeOf(response, received) ?? size;
      options.onProgress?.(received, size);
      if (!response.body) throw new Error('The answer has no body.');
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await sink.write(value);
        received += value.byteLength;
        failures = 0;
        options.onProgress?.(received, size);
      }
      if (size === null || received >= size) break;
      throw new Error(`The connection closed after ${received} of ${size} bytes.`);
    } catch (error) {
      if (error instanceof DownloadRefused || signal?.aborted) throw error;
      if (++failures > maxRetries) throw error;
      await sleep(delay(failures), signal);
    }
  }
  return { bytes: received, etag, resumes };
}
