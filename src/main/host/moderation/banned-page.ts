import type { IncomingMessage, ServerResponse } from 'node:http';
import { WEB_CONTENT_SECURITY_POLICY } from '../../../shared/content-security-policy.ts';

/** Why a request from a banned address is refused: for a program (JSON) and for a person (a page). */
export interface AddressRefusal {
  /** "This address is banned from the host for 30 minutes: spam" — the JSON `error`. */
  message: string;
  /** "You are banned from this host for 30 minutes: spam" — the page's words. */
  personal: string;
}

/**
 * Paths a banned address may still load: the admin page and the built client's assets it needs
 * (code and styles, no data), so an operator who banned a range holding their own address can
 * still sign in there and lift it. The admin API itself still demands the secret.
 */
export function openToBanned(path: string): boolean {
  return path === '/admin' || path.startsWith('/assets/') || path === '/icon.png';
}

/** True when the request is a browser's page navigation: it asks for HTML before anything else. */
export function wantsHtml(req: IncomingMessage): boolean {
  return /\btext\/html\b/i.test(req.headers.accept ?? '');
}

/**
 * Answer a banned address with 403: a small HTML page for a browser's navigation (the same CSP as
 * the web client, no script), and `{"error": …}` JSON for everything else.
 */
export function sendBanned(
  req: IncomingMessage,
  res: ServerResponse,
  refusal: AddressRefusal,
  sendJson: (res: ServerResponse, status: number, body: unknown) => void,
): void {
  if (!wantsHtml(req)) return sendJson(res, 403, { error: refusal.message });
  const html = bannedPageHtml(refusal.personal);
  res.writeHead(403, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': WEB_CONTENT_SECURITY_POLICY,
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

/** The page itself; `text` is escaped (the reason is the operator's words). */
export function bannedPageHtml(text: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Banned from this host</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style>
</head>
<body>
<h1>Banned from this host</h1>
<p>${escapeHtml(text)}</p>
<p>Ask the host's operator if you think this is a mistake.</p>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
