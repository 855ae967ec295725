// The one Content-Security-Policy of every Tincan page: the desktop window (main/csp.ts), the
// meta tag of src/renderer/index.html, and the web build the host serves (host/static-files.ts).

/**
 * The Content-Security-Policy of every Tincan page: nothing is allowed unless listed here.
 *
 * - scripts only from the app itself (no inline script, no eval); `'wasm-unsafe-eval'` lets the page
 *   compile WebAssembly (and nothing else): the streaming SHA-256 of file transfers is hash-wasm,
 *   4–5× faster than plain JavaScript;
 * - inline styles are allowed because Svelte sets `style=` attributes on elements;
 * - images may also be `data:` and `blob:` URLs (pasted images, file previews), and come from any
 *   host over http: or https: (images sent in a room are drawn from the host that has them);
 * - `connect-src` allows WebSocket (ws: and wss:, which the workbench connects to) and HTTP(S) to any
 *   LAN host, because the client joins hosts by address and downloads their files.
 *
 * `src/renderer/index.html` carries the same policy in a meta tag (a test keeps the two equal), so the
 * web build served to phone browsers is covered too.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:', 'http:', 'https:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'ws:', 'wss:', 'http:', 'https:'],
  // These two do not fall back to default-src, so they are spelled out.
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** Directives that only work in a response header; browsers ignore them in a meta tag. */
export const CSP_HEADER_ONLY_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'frame-ancestors': ["'none'"],
};

/** Turns directives into the `name value value; name value` form a CSP header or meta tag takes. */
export function serializeCsp(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/** The policy for a `<meta http-equiv="Content-Security-Policy">` tag. */
export const CONTENT_SECURITY_POLICY_META = serializeCsp(CSP_DIRECTIVES);

/** The policy sent as a response header on every page the desktop app loads. */
export const CONTENT_SECURITY_POLICY = serializeCsp({ ...CSP_DIRECTIVES, ...CSP_HEADER_ONLY_DIRECTIVES });

/** The same policy as the header of the web build a host serves to browsers, which may also load its manifest. */
export const WEB_CONTENT_SECURITY_POLICY = serializeCsp({
  ...CSP_DIRECTIVES,
  'manifest-src': ["'self'"],
  ...CSP_HEADER_ONLY_DIRECTIVES,
});
