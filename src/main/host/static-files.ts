import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebFile } from './web-root.ts';

/**
 * Same policy as the desktop window: scripts only from this host (WebAssembly may compile: the
 * file hashes are hash-wasm), WebSockets to any LAN host.
 */
export const WEB_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self' ws: wss: http: https:; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Serve a file of the built web client. Paths without an extension fall back to index.html so the
 * client's own routes survive a reload. Returns false when nothing matched.
 */
export async function serveStatic(
  find: (urlPath: string) => Promise<WebFile>,
  req: IncomingMessage,
  res: ServerResponse,
  urlPath: string,
): Promise<boolean> {
  const found = await find(urlPath);
  if (!found.ok) return false;
  const { file, size, type } = found;
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': size,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': type.startsWith('text/html') ? 'no-cache' : 'public, max-age=3600',
    ...(type.startsWith('text/html') ? { 'Content-Security-Policy': WEB_CSP } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}
