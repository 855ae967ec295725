import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { fileKeyMatches } from './file-key.ts';
import type { DownloadTarget, FileService } from './file-service.ts';

const FILE_PATH = /^\/files\/([0-9a-f]{32})$/;
/** Bytes read from the disk at a time for a download. */
const READ_CHUNK_BYTES = 512 * 1024;

/**
 * `GET /files/<file>?key=<fileKey>` (and HEAD): a complete file's bytes, with single-range
 * requests for resumable downloads and seeking. Every answer that is not the file is 404, whether
 * the id is unknown or the key wrong, so the route tells nobody which ids exist. Returns false when
 * the path is not a file's, for the next route.
 */
export async function serveFile(
  files: FileService,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<boolean> {
  const id = FILE_PATH.exec(path)?.[1];
  if (!id) return false;
  const key = query.get('key') ?? '';
  const found = files.download(id, (roomKey) => fileKeyMatches(roomKey, key));
  if (found === null || found === 'incomplete') {
    sendText(res, found === null ? 404 : 409, found === null ? 'not found' : 'the file is not complete');
    return true;
  }
  const size = found.record.size;
  const ifRange = req.headers['if-range'];
  const range = parseRange(req.headers.range, size, typeof ifRange === 'string' ? ifRange : undefined, etagOf(found));
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...commonHeaders(found), 'Content-Range': `bytes */${size}` });
    res.end();
    return true;
  }
  const [start, end] = range ?? [0, size - 1];
  const headers: Record<string, string | number> = { ...commonHeaders(found), 'Content-Length': end - start + 1 };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return true;
  }
  try {
    await pipeline(createReadStream(found.path, { start, end, highWaterMark: READ_CHUNK_BYTES }), res);
  } catch (error) {
    // A reader that went away mid-download is normal (it resumes with a Range); anything else is not.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
  return true;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

const etagOf = (target: DownloadTarget) => `"sha256-${target.sha256}"`;

function commonHeaders(target: DownloadTarget): Record<string, string> {
  const { record } = target;
  // Only ever set for an inline image type whose bytes were checked (file-service.ts).
  const inline = record.inlineOk;
  return {
    // Only images whose bytes were checked keep an image type; nothing is ever served as a page.
    'Content-Type': inline || !record.mime.startsWith('image/') ? record.mime : 'application/octet-stream',
    'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', record.name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    // The desktop app (app://tincan) draws images from the host and checks downloads' hashes.
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'Content-Range, Content-Disposition, Repr-Digest, ETag, Content-Length',
    'Accept-Ranges': 'bytes',
    ETag: etagOf(target),
    'Repr-Digest': `sha-256=:${Buffer.from(target.sha256, 'hex').toString('base64')}:`,
    // A file id's bytes never change.
    'Cache-Control': 'private, max-age=31536000, immutable',
  };
}

/** RFC 6266: an ASCII fallback name and the exact one in RFC 8187 encoding. */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/**
 * The one byte range a `Range` header asks for, as [first, last]; null to send the whole file (no
 * header, several ranges, a syntax this does not read, or an If-Range that no longer matches);
 * `unsatisfiable` when it starts past the end.
 */
export function parseRange(
  header: string | undefined,
  size: number,
  ifRange: string | undefined,
  etag: string,
): [number, number] | null | 'unsatisfiable' {
  if (!header || (ifRange !== undefined && ifRange !== etag)) return null;
  // The range unit is case-insensitive (RFC 9110 §14.1): `Bytes=` asks for the same as `bytes=`.
  const match = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return null;
  return [start, end];
}
