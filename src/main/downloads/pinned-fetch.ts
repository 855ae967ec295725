import { Agent, request } from 'node:https';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { connectUntrusted } from '../tls/index.ts';

/** Whether `certPem`, presented by `hostname`, is the one the person pinned for it. */
export type CertificateCheck = (hostname: string, certPem: string) => boolean;

/** How long a TLS handshake with a host may take (ms). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * `fetch` for the desktop's downloads: plain http as usual, and https to a Tincan host only when
 * its certificate is the pinned one. A host's certificate is self-signed, so the system's trust
 * store would refuse it (and trusting any certificate would hand the file key to whoever answers):
 * the handshake is made here, the certificate checked, and only then is the request written, on
 * that same connection. Supports what the downloader uses: GET, headers, an abort signal.
 */
export function pinnedFetch(check: CertificateCheck, plainFetch: typeof fetch = fetch): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.protocol !== 'https:') return plainFetch(url, init);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const socket = await pinnedSocket(hostname, Number(url.port || 443), check, init.signal ?? undefined);
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: Object.fromEntries(new Headers(init.headers ?? {})),
          agent: oneSocketAgent(socket),
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const body =
            res.statusCode === 204 || res.statusCode === 304 ? null : (Readable.toWeb(res) as ReadableStream);
          resolve(new Response(body, { status: res.statusCode ?? 502, headers }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }) as typeof fetch;
}

/** An agent whose one connection is `socket`, already checked: the request goes out on it. */
function oneSocketAgent(socket: TLSSocket): Agent {
  const agent = new Agent({ keepAlive: false });
  agent.createConnection = () => socket;
  return agent;
}

/** A TLS connection to `hostname:port` whose certificate passed `check`; nothing has been written on it. */
async function pinnedSocket(
  hostname: string,
  port: number,
  check: CertificateCheck,
  signal?: AbortSignal,
): Promise<TLSSocket> {
  const { socket, certPem } = await connectUntrusted(hostname, port, HANDSHAKE_TIMEOUT_MS, signal);
  if (!certPem || !check(hostname, certPem)) {
    socket.destroy();
    throw new Error(`the certificate of ${hostname}:${port} is not the one pinned for it`);
  }
  return socket;
}
