import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, relative } from 'node:path';

/**
 * Finding a file of a built web client, for both servers of it: the host's HTTP server (browsers on
 * the LAN) and the desktop app's `app://` handler. One implementation, so both refuse the same
 * paths: `..`, encoded slashes or backslashes, NUL, and symlinks that point out of the root.
 */

/** Content types of what a Vite build emits. Anything else is sent as opaque bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

/** The content type for a file name, from its extension; `application/octet-stream` when unknown. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Map a URL path into `root`, or null when it would leave it (`..`, encoded slashes, NUL). */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const candidate = normalize(join(root, decoded));
  const rel = relative(root, candidate);
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  return candidate;
}

export type WebFile =
  | { ok: true; /** The real path, symlinks resolved. */ file: string; size: number; type: string }
  | { ok: false; status: 403 | 404 };

/**
 * A lookup of URL paths in `root`. `/` is `index.html`; a path without an extension that names no
 * file falls back to `index.html`, so a client's own routes survive a reload.
 */
export function webRoot(root: string): (urlPath: string) => Promise<WebFile> {
  const realRoot = realpath(root).catch(() => root);
  return async (urlPath) => {
    const path = urlPath === '/' ? '/index.html' : urlPath;
    const wanted = resolveInside(root, path);
    if (!wanted) return { ok: false, status: 403 };
    let file = wanted;
    let info = await stat(file).catch(() => null);
    if ((!info || !info.isFile()) && extname(path) === '') {
      file = join(root, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info || !info.isFile()) return { ok: false, status: 404 };
    // resolveInside works on the text of the path; a symlink inside the root could still point out.
    const real = await realpath(file);
    const rel = relative(await realRoot, real);
    if (rel.startsWith('..') || isAbsolute(rel)) return { ok: false, status: 403 };
    return { ok: true, file: real, size: info.size, type: contentTypeOf(file) };
  };
}
