import { createSHA256, type IHasher } from 'hash-wasm';

/**
 * SHA-256 over a stream of bytes, for files sent and received. WebCrypto's `digest` takes only a
 * whole buffer (and is missing on plain-http LAN pages, which are not a secure context), so this is
 * hash-wasm: in Chromium it hashes 256 MiB in about 1 s, four to five times faster than
 * @noble/hashes in plain JavaScript. It compiles WebAssembly, which the CSP allows with
 * 'wasm-unsafe-eval' (WebAssembly only, never `eval`).
 */
export interface Sha256Stream {
  update(bytes: Uint8Array): void;
  /** The hash of everything given so far, as 64 lowercase hex digits; the stream is spent after. */
  hex(): string;
  /** Bytes given so far. */
  readonly length: number;
}

export async function createSha256(): Promise<Sha256Stream> {
  const hasher: IHasher = await createSHA256();
  hasher.init();
  let length = 0;
  return {
    update(bytes) {
      hasher.update(bytes);
      length += bytes.byteLength;
    },
    hex: () => hasher.digest('hex'),
    get length() {
      return length;
    },
  };
}

/** Bytes read from a Blob at a time when hashing what is already on disk (a resume). */
const READ_BYTES = 4 * 1024 * 1024;

/**
 * A hash stream that has taken the first `upTo` bytes of `blob`: where an interrupted upload picks
 * up. `alive` is asked between reads so a cancelled resume stops early (null then); `onProgress`
 * hears the bytes hashed so far.
 */
export async function sha256Prefix(
  blob: Blob,
  upTo: number,
  alive: () => boolean = () => true,
  onProgress?: (bytes: number) => void,
): Promise<Sha256Stream | null> {
  const hash = await createSha256();
  for (let at = 0; at < upTo; at += READ_BYTES) {
    if (!alive()) return null;
    hash.update(new Uint8Array(await blob.slice(at, Math.min(upTo, at + READ_BYTES)).arrayBuffer()));
    onProgress?.(hash.length);
  }
  return alive() ? hash : null;
}
