// The host's TLS identity: plain Node, no Electron.
export {
  createCertificate,
  fingerprintOf,
  loadOrCreateCertificate,
  readableFingerprint,
  TLS_FOLDER,
  type HostCertificate,
} from './certificate.ts';
export { connectUntrusted, type UntrustedConnection } from './untrusted-connection.ts';
export {
  base32,
  HOST_ID_LENGTH,
  hostIdOf,
  hostIdOfKey,
  publicKeyOf,
  signWithKey,
  verifyWithKey,
} from './host-identity.ts';
