import type { Session } from 'electron';
import type { CertificateRefused } from '../shared/ipc.ts';
import type { PinStore } from './pins/index.ts';

/** Chromium's answers to a certificate check: accept, refuse, or verify as usual (public CAs). */
const ACCEPT = 0;
const REFUSE = -2;
const USE_CHROMIUM = -3;

/**
 * Makes the session accept a LAN host's self-signed certificate exactly when it is the one pinned for
 * that host (PinStore decides), refuse any other certificate from a pinned host (and tell `onRefused`,
 * so the UI can warn loudly instead of reconnecting), and leave every other host to Chromium.
 * Returns the function that installs it again, for after pins change: Chromium may otherwise answer a
 * host it asked about before from its cache.
 */
export function pinCertificates(
  session: Pick<Session, 'setCertificateVerifyProc'>,
  pins: PinStore,
  onRefused: (refused: CertificateRefused) => void,
): () => void {
  const install = () =>
    session.setCertificateVerifyProc((request, callback) => {
      const result = pins.verify(request.hostname, request.certificate.data);
      if (result.verdict === 'pinned') return callback(ACCEPT);
      if (result.verdict === 'unpinned') return callback(USE_CHROMIUM);
      onRefused({ hostname: request.hostname, presented: result.presented, pinned: result.pinned });
      callback(REFUSE);
    });
  install();
  return install;
}
