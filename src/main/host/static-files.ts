import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WEB_CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.ts';
import type { WebFile } from './web-root.ts';

/** The desktop window's policy (one source: src/shared/content-security-policy.ts), for the web build. */
export const WEB_CSP = WEB_CONTENT_SECURITY_POLICY;

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
