import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { fingerprintOf, hostIdOf } from '../tls/index.ts';

/** How long probing a host's certificate may take (ms). */
export const PROBE_TIMEOUT_MS = 5000;

/** What a host's port answered to a TLS handshake. */
export type ProbeResult = { tls: false } | { tls: true; fingerprint: string; hostId: string; cert: string };

/** Errors of a TLS handshake with something that is not TLS (a plain HTTP port answers with text). */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|record layer failure|ERR_SSL_/i;

/**
 * Ask `hostname:port` for its certificate, without trusting it: what the person compares before a
 * first join (trust on first use). Resolves `{ tls: false }` when the port does not speak TLS; rejects
 * when the host cannot be reached.
 */
export function probeCertificate(hostname: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port,
      // Nothing is trusted here: the certificate is only read, to be shown and compared.
      rejectUnauthorized: false,
      ...(/^[\d.]+$|:/.test(hostname) ? {} : { servername: hostname }),
      timeout: timeoutMs,
    });
    const done = (settle: () => void) => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      settle();
    };
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate(true)?.raw;
      if (!raw) return done(() => reject(new Error('the host sent no certificate')));
      const cert = new X509Certificate(raw).toString();
      done(() => resolve({ tls: true, fingerprint: fingerprintOf(cert), hostId: hostIdOf(cert), cert }));
    });
    socket.once('timeout', () => done(() => reject(new Error(`no answer from ${hostname}:${port}`))));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      done(() => (NOT_TLS.test(`${error.code} ${error.message}`) ? resolve({ tls: false }) : reject(error)));
    });
  });
}
