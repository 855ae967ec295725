import { hmac } from '@noble/hashes/hmac';
import { pbkdf2Async } from '@noble/hashes/pbkdf2';
import { sha256 } from '@noble/hashes/sha2';
import { webCryptoPrimitives, type ScramPrimitives } from '../../../../shared/scram.ts';

/**
 * SHA-256, HMAC and PBKDF2 for pages without WebCrypto: browsers give `crypto.subtle` only to
 * secure contexts, and the web client served over plain http from a LAN address is not one.
 * @noble/hashes (audited, no dependencies): its PBKDF2 reuses the keyed HMAC state; 600,000
 * iterations took 0.75 s in Node here and about 3 s in headless Chromium on the loaded test
 * machine, against 0.1 s for WebCrypto, and three times less than hash-wasm's PBKDF2 (which the
 * file hashes use). Paid once per typed password: reconnects use the session ticket.
 */
export const jsPrimitives: ScramPrimitives = {
  pbkdf2: (password, salt, iterations) => pbkdf2Async(sha256, password, salt, { c: iterations, dkLen: 32 }),
  hmac: async (key, data) => hmac(sha256, key, data),
  sha256: async (data) => sha256(data),
};

/** WebCrypto where the page has it (native, about eight times faster), else @noble/hashes. */
export function scramPrimitives(): ScramPrimitives {
  return globalThis.crypto?.subtle ? webCryptoPrimitives : jsPrimitives;
}
