// Certificate pins of the desktop app: plain Node decisions (certificate-pinning.ts is the Electron glue).
export { PinStore, type PinCheck, type PinStorage, type PinVerdict } from './pin-store.ts';
export { probeCertificate, PROBE_TIMEOUT_MS, type ProbeResult } from './probe-certificate.ts';
