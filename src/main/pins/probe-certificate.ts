import { connectUntrusted, fingerprintOf, hostIdOf } from '../tls/index.ts';

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
export async function probeCertificate(
  hostname: string,
  port: number,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  let connection;
  try {
    connection = await connectUntrusted(hostname, port, timeoutMs);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (NOT_TLS.test(`${code} ${message}`)) return { tls: false };
    throw error;
  }
  // Nothing is trusted here: the certificate is only read, to be shown and compared.
  connection.socket.destroy();
  const cert = connection.certPem;
  if (!cert) throw new Error('the host sent no certificate');
  return { tls: true, fingerprint: fingerprintOf(cert), hostId: hostIdOf(cert), cert };
}
