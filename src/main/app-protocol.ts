import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import type { Protocol } from 'electron';
import { DESKTOP_APP_ORIGIN, DESKTOP_APP_SCHEME } from '../shared/app-origin.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';
import { resolveInside } from './host/static-files.ts';

/**
 * The built renderer is served from `app://tincan/` instead of `file://`: a real, stable origin (so
 * hosts can allow it, see request-guard.ts), `'self'` in the CSP means the app and nothing else on
 * disk, and only the renderer folder is reachable.
 */

/** The page every window loads in production. */
export const APP_INDEX_URL = `${DESKTOP_APP_ORIGIN}/index.html`;

const APP_HOST = DESKTOP_APP_ORIGIN.slice(`${DESKTOP_APP_SCHEME}://`.length);

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

/**
 * Declares `app:` a standard, secure scheme with fetch support, like https. Electron allows this only
 * before the app is ready, so the entry calls it first thing.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: DESKTOP_APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

function refuse(status: 400 | 403 | 404 | 405, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}

/**
 * The handler of `app://tincan/…` requests: GET and HEAD of files inside `root` (the renderer build).
 * Paths that would leave `root` (`..`, encoded slashes or backslashes, NUL, symlinks pointing out) get
 * 403; other hosts and missing files 404. A path without an extension falls back to `index.html`, so
 * the UI's own routes survive a reload. HTML carries the app's Content-Security-Policy.
 */
export function createAppRequestHandler(root: string): (request: Request) => Promise<Response> {
  const realRoot = realpath(root).catch(() => root);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    if (!URL.canParse(request.url)) return refuse(400, 'Bad request');
    const url = new URL(request.url);
    if (url.protocol !== `${DESKTOP_APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST)
      return refuse(404, 'Not found');

    const path = url.pathname === '/' ? '/index.html' : url.pathname;
    const wanted = resolveInside(root, path);
    if (!wanted) return refuse(403, 'Forbidden');
    let file = wanted;
    let info = await stat(file).catch(() => null);
    if ((!info || !info.isFile()) && extname(path) === '') {
      file = join(root, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info || !info.isFile()) return refuse(404, 'Not found');

    // resolveInside works on the text of the path; a symlink inside the build could still point out.
    const real = await realpath(file);
    const rel = relative(await realRoot, real);
    if (rel.startsWith('..') || isAbsolute(rel)) return refuse(403, 'Forbidden');

    const type = contentTypeOf(file);
    const headers: Record<string, string> = {
      'Content-Type': type,
      'Content-Length': String(info.size),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    const body = request.method === 'HEAD' ? null : await readFile(real);
    return new Response(body, { status: 200, headers });
  };
}

/** Serves the renderer build in `root` on `app://tincan/`. Call once the app is ready. */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(DESKTOP_APP_SCHEME, createAppRequestHandler(root));
}
