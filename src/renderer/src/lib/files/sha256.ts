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
  /** The state after `length` bytes, to carry on from later (a resume) without hashing them again. */
  save(): Sha256Checkpoint;
}

/** A hash stream's state after its first `length` bytes (hash-wasm's saved state, a few hundred bytes). */
export interface Sha256Checkpoint {
  readonly length: number;
  readonly state: Uint8Array;
}

/** A new hash stream, or one that carries on from `from`. */
export async function createSha256(from?: Sha256Checkpoint): Promise<Sha256Stream> {
  const hasher: IHasher = await createSHA256();
  hasher.init();
  if (from) hasher.load(from.state);
  let length = from?.length ?? 0;
  return {
    update(bytes) {
      hasher.update(bytes);
      length += bytes.byteLength;
    },
    hex: () => hasher.digest('hex'),
    save: () => ({ length, state: hasher.save() }),
    get length() {
      return length;
    },
  };
}

/** Bytes read from a Blob at a time when hashing what is already on disk (a resume). */
const READ_BYTES = 4 * 1024 * 1024;

/**
 * A hash stream that has taken the first `upTo` bytes of `blob`: where an interrupted upload picks
 * up. It starts from `from` when given (a checkpoint at or before `upTo`), reading only the bytes
 * after it. `alive` is asked between reads so a cancelled resume stops early (null then);
 * `onProgress` hears the bytes hashed so far.
 */
export async function sha256Prefix(
  blob: Blob,
  upTo: number,
  alive: () => boolean = () => true,
  onProgress?: (bytes: number) => void,
  from?: Sha256Checkpoint,
): Promise<Sha256Stream | null> {
  const hash = await createSha256(from && from.length <= upTo ? from : undefined);
  for (let at = hash.length; at < upTo; at += READ_BYTES) {
    if (!alive()) return null;
    hash.update(new Uint8Array(await blob.slice(at, Math.min(upTo, at + READ_BYTES)).arrayBuffer()));
    onProgress?.(hash.length);
  }
  return alive() ? hash : null;
}
