import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RoomInfo } from '../../shared/protocol/index.ts';
import { openToBanned, sendBanned, type AddressRefusal } from './moderation/banned-page.ts';
import { isAllowedHost } from './request-guard.ts';
import { remoteAddressOf } from './upgrade-gate.ts';
import { serveStatic } from './static-files.ts';
import { webRoot } from './web-root.ts';

export interface HttpRouteSources {
  machineName: string;
  allowedHosts: readonly string[];
  webRoot: string | null;
  health(): Record<string, unknown>;
  rooms(): { host: { id: string; name: string }; protocol: number; rooms: RoomInfo[] };
  /** `/files/…` (files/file-route.ts): true when it answered. */
  files?(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean>;
  /** Why a request from this address is refused (the operator banned it), or null. */
  refuseAddress?(address: string): AddressRefusal | null;
}

/** A JSON response that is never cached or sniffed. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/**
 * Plain HTTP on the host's port: `/health`, `/api/rooms`, `/files/<file>`, and the built web client. Only GET and
 * HEAD; only local Host names (see request-guard.ts).
 */
export function createHttpHandler(sources: HttpRouteSources) {
  const find = sources.webRoot ? webRoot(sources.webRoot) : null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!isAllowedHost(req.headers.host, sources.machineName, sources.allowedHosts)) {
      return sendJson(res, 421, { error: 'Host header names no local address' });
    }
    const [path = '/', search = ''] = (req.url ?? '/').split('?', 2);
    // A banned address gets no app, no room list and no file, as it gets no WebSocket: a page
    // saying why to a browser, JSON to a program. The admin page stays open (see openToBanned).
    const banned = openToBanned(path) ? null : sources.refuseAddress?.(remoteAddressOf(req));
    if (banned) return sendBanned(req, res, banned, sendJson);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    if (path.startsWith('/files/') && sources.files) {
      if (await sources.files(req, res, path, new URLSearchParams(search))) return;
    }
    if (path === '/health') return sendJson(res, 200, sources.health());
    if (path === '/api/rooms') return sendJson(res, 200, sources.rooms());
    if (path === '/ws') return sendJson(res, 426, { error: 'this endpoint speaks WebSocket; see docs/protocol.md' });
    if (find && (await serveStatic(find, req, res, path))) return;
    sendJson(res, 404, { error: 'not found' });
  };
}
