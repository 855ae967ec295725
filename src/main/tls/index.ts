// The host's TLS identity: plain Node, no Electron.
export {
  createCertificate,
  fingerprintOf,
  loadOrCreateCertificate,
  readableFingerprint,
  TLS_FOLDER,
  type HostCertificate,
} from './certificate.ts';
