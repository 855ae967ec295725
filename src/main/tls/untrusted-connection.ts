import { X509Certificate } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';

/** A finished TLS handshake whose certificate nobody has judged yet. */
export interface UntrustedConnection {
  socket: TLSSocket;
  /** The peer's certificate as PEM, or null when it sent none. */
  certPem: string | null;
}

/**
 * A TLS connection to `hostname:port` that trusts nothing: the handshake is made, the peer's
 * certificate read, and nothing written yet, so the caller decides (compare it with a pin, show it
 * for trust on first use) before any byte of its own goes out. Rejects with the socket's error, on
 * `timeoutMs` without a handshake, or when `signal` aborts; the socket is destroyed then.
 */
export function connectUntrusted(
  hostname: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<UntrustedConnection> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const socket = connect({
      host: hostname,
      port,
      // Judged by the caller, which is stricter than any certificate authority for a self-signed host.
      rejectUnauthorized: false,
      ...(/^[\d.]+$|:/.test(hostname) ? {} : { servername: hostname }),
      timeout: timeoutMs,
    });
    const onAbort = () => fail(new Error('aborted'));
    const fail = (error: Error) => {
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('timeout', () =>
      fail(new Error(`no answer from ${hostname}:${port} (no TLS handshake in ${timeoutMs} ms)`)),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      socket.removeAllListeners('timeout');
      socket.setTimeout(0);
      const raw = socket.getPeerCertificate(true)?.raw;
      resolve({ socket, certPem: raw ? new X509Certificate(raw).toString() : null });
    });
  });
}
