import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { DESKTOP_APP_ORIGIN, DESKTOP_APP_SCHEME } from '../shared/app-origin.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';
import { webRoot } from './host/index.ts';

export { contentTypeOf } from './host/index.ts';

/**
 * The built renderer is served from `app://tincan/` instead of `file://`: a real, stable origin (so
 * hosts can allow it, see request-guard.ts), `'self'` in the CSP means the app and nothing else on
 * disk, and only the renderer folder is reachable.
 */

/** The page every window loads in production. */
export const APP_INDEX_URL = `${DESKTOP_APP_ORIGIN}/index.html`;

const APP_HOST = DESKTOP_APP_ORIGIN.slice(`${DESKTOP_APP_SCHEME}://`.length);

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
  const find = webRoot(root);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    if (!URL.canParse(request.url)) return refuse(400, 'Bad request');
    const url = new URL(request.url);
    if (url.protocol !== `${DESKTOP_APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST)
      return refuse(404, 'Not found');

    const found = await find(url.pathname);
    if (!found.ok) return found.status === 403 ? refuse(403, 'Forbidden') : refuse(404, 'Not found');
    const { file, size, type } = found;
    const headers: Record<string, string> = {
      'Content-Type': type,
      'Content-Length': String(size),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return new Response(body, { status: 200, headers });
  };
}

/** Serves the renderer build in `root` on `app://tincan/`. Call once the app is ready. */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(DESKTOP_APP_SCHEME, createAppRequestHandler(root));
}
