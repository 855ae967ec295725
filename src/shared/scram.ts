/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: the math and the message grammar,
 * shared by the host (Node) and the web client (browser), on WebCrypto (`crypto.subtle`) by
 * default, so the two sides cannot drift. A browser has `crypto.subtle` only in a secure context
 * (https, localhost, the desktop app): a page served over plain http from a LAN address passes its
 * own `ScramPrimitives` (the web client's are in renderer/src/lib/net/scram-primitives.ts). Room passwords use it so that no password (nor anything
 * a listener could replay) crosses the wire: the client proves it knows the password, and the host
 * proves it knows the room's verifier.
 */

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** RFC 7677's minimum; a client refuses a challenge asking for fewer. */
export const SCRAM_MIN_ITERATIONS = 4096;
/** The most a client will compute: a host asking for more could keep a phone busy for minutes. */
export const SCRAM_MAX_ITERATIONS = 10_000_000;
/** Random bytes in each side's nonce (base64: 24 characters). */
export const SCRAM_NONCE_BYTES = 18;
/** Bytes of a salt the host makes. */
export const SCRAM_SALT_BYTES = 16;
/** The GS2 header: no channel binding, no authorization identity. */
export const GS2_HEADER = 'n,,';
/** `c=` of the client-final message: base64 of the GS2 header. */
export const CHANNEL_BINDING = 'biws';

const KEY_BYTES = 32;
const utf8 = new TextEncoder();

// ── encoding ───────────────────────────────────────────────────────────────────────────────────

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Bytes of a standard (padded) base64 string, or null when it is not one in its one canonical spelling. */
export function fromBase64(text: string): Uint8Array | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // Padding bits must be zero: otherwise two spellings would carry the same bytes.
  return toBase64(bytes) === text ? bytes : null;
}

/** A fresh nonce: random bytes as base64 (never a comma, so it fits the grammar). */
export function scramNonce(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(SCRAM_NONCE_BYTES))).replace(/=+$/, '');
}

/** RFC 5802 `saslname`: `=` and `,` escaped as `=3D` and `=2C`. */
export function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function unescapeSaslName(text: string): string | null {
  if (/=(?!2C|3D)/.test(text)) return null;
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

// ── messages ───────────────────────────────────────────────────────────────────────────────────

/** A nonce: printable ASCII but `,` (RFC 5802 `printable`). */
const NONCE = '[\\x21-\\x2b\\x2d-\\x7e]+';
const BASE64 = '[A-Za-z0-9+/]+={0,2}';
const CLIENT_FIRST = new RegExp(`^n,,(n=([^,]+),r=(${NONCE}))$`);
const SERVER_FIRST = new RegExp(`^r=(${NONCE}),s=(${BASE64}),i=([1-9][0-9]{0,9})$`);
const CLIENT_FINAL = new RegExp(`^(c=(${BASE64}),r=(${NONCE})),p=(${BASE64})$`);
const SERVER_FINAL = /^(?:v=([A-Za-z0-9+/]+={0,2})|e=([\x21-\x2b\x2d-\x7e]+))$/;

export interface ClientFirst {
  /** The user name, unescaped (Tincan: the room's name). */
  user: string;
  nonce: string;
  /** The message without its GS2 header: the first part of the AuthMessage. */
  bare: string;
}

export interface ServerFirst {
  /** The client's nonce followed by the server's. */
  nonce: string;
  salt: Uint8Array;
  iterations: number;
}

export interface ClientFinal {
  channelBinding: string;
  nonce: string;
  proof: Uint8Array;
  /** The message up to `,p=`: the last part of the AuthMessage. */
  withoutProof: string;
}

/** `n,,n=<user>,r=<nonce>`; null for anything else (channel binding, `a=`, extensions). */
export function parseClientFirst(message: string): ClientFirst | null {
  const m = CLIENT_FIRST.exec(message);
  if (!m) return null;
  const user = unescapeSaslName(m[2]!);
  return user === null ? null : { user, nonce: m[3]!, bare: m[1]! };
}

export function formatClientFirst(user: string, nonce: string): string {
  return `${GS2_HEADER}n=${saslName(user)},r=${nonce}`;
}

/** `r=<nonce>,s=<salt>,i=<iterations>`; null for anything else. */
export function parseServerFirst(message: string): ServerFirst | null {
  const m = SERVER_FIRST.exec(message);
  if (!m) return null;
  const salt = fromBase64(m[2]!);
  const iterations = Number(m[3]);
  return salt && salt.length > 0 && Number.isSafeInteger(iterations) ? { nonce: m[1]!, salt, iterations } : null;
}

export function formatServerFirst(nonce: string, salt: Uint8Array, iterations: number): string {
  return `r=${nonce},s=${toBase64(salt)},i=${iterations}`;
}

/** `c=<binding>,r=<nonce>,p=<proof>`; null for anything else. */
export function parseClientFinal(message: string): ClientFinal | null {
  const m = CLIENT_FINAL.exec(message);
  if (!m) return null;
  const proof = fromBase64(m[4]!);
  return proof ? { channelBinding: m[2]!, nonce: m[3]!, proof, withoutProof: m[1]! } : null;
}

/** `v=<signature>` or `e=<error>`; null for anything else. */
export function parseServerFinal(message: string): { signature: Uint8Array } | { error: string } | null {
  const m = SERVER_FINAL.exec(message);
  if (!m) return null;
  if (m[2] !== undefined) return { error: m[2] };
  const signature = fromBase64(m[1]!);
  return signature ? { signature } : null;
}

export function authMessage(clientFirstBare: string, serverFirst: string, clientFinalWithoutProof: string): string {
  return `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
}

// ── primitives ─────────────────────────────────────────────────────────────────────────────────

/** The three functions SCRAM-SHA-256 is made of. */
export interface ScramPrimitives {
  /** PBKDF2-HMAC-SHA-256, 32 bytes. */
  pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array>;
  hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  sha256(data: Uint8Array): Promise<Uint8Array>;
}

// TypeScript's DOM and Node typings disagree on which Uint8Array a BufferSource is; both accept ours.
type Bytes = Uint8Array<ArrayBuffer>;
const own = (bytes: Uint8Array): Bytes => new Uint8Array(bytes) as Bytes;

/** WebCrypto's: Node, and browsers in a secure context. */
export const webCryptoPrimitives: ScramPrimitives = {
  async pbkdf2(password, salt, iterations) {
    const key = await crypto.subtle.importKey('raw', own(password), 'PBKDF2', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: own(salt), iterations },
      key,
      KEY_BYTES * 8,
    );
    return new Uint8Array(bits);
  },
  async hmac(key, data) {
    const k = await crypto.subtle.importKey('raw', own(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await crypto.subtle.sign('HMAC', k, own(data)));
  },
  async sha256(data) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', own(data)));
  },
};

// ── keys ───────────────────────────────────────────────────────────────────────────────────────

const text = (s: string) => utf8.encode(s);

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Equal bytes, compared without an early exit. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Hi(Normalize(password), salt, i): PBKDF2-HMAC-SHA-256, 32 bytes. The password is NFKC-normalised
 * (the normalisation step of SASLprep; its other mappings and prohibitions are not applied).
 */
export function saltedPassword(
  password: string,
  salt: Uint8Array,
  iterations: number,
  p: ScramPrimitives = webCryptoPrimitives,
): Promise<Uint8Array> {
  return p.pbkdf2(text(password.normalize('NFKC')), salt, iterations);
}

export interface ScramKeys {
  clientKey: Uint8Array;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

export async function scramKeys(salted: Uint8Array, p: ScramPrimitives = webCryptoPrimitives): Promise<ScramKeys> {
  const clientKey = await p.hmac(salted, text('Client Key'));
  return { clientKey, storedKey: await p.sha256(clientKey), serverKey: await p.hmac(salted, text('Server Key')) };
}

/** What a server keeps instead of the password. */
export interface ScramVerifier {
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

export async function makeVerifier(password: string, salt: Uint8Array, iterations: number): Promise<ScramVerifier> {
  const { storedKey, serverKey } = await scramKeys(await saltedPassword(password, salt, iterations));
  return { salt, iterations, storedKey, serverKey };
}

/** ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage). */
export async function clientProof(
  keys: ScramKeys,
  message: string,
  p: ScramPrimitives = webCryptoPrimitives,
): Promise<Uint8Array> {
  return xor(keys.clientKey, await p.hmac(keys.storedKey, text(message)));
}

/** ServerSignature = HMAC(ServerKey, AuthMessage). */
export function serverSignature(
  serverKey: Uint8Array,
  message: string,
  p: ScramPrimitives = webCryptoPrimitives,
): Promise<Uint8Array> {
  return p.hmac(serverKey, text(message));
}

/** The server's check: H(ClientProof XOR HMAC(StoredKey, AuthMessage)) must equal StoredKey. */
export async function verifyClientProof(storedKey: Uint8Array, message: string, proof: Uint8Array): Promise<boolean> {
  if (proof.length !== KEY_BYTES) return false;
  const clientKey = xor(proof, await webCryptoPrimitives.hmac(storedKey, text(message)));
  return sameBytes(await webCryptoPrimitives.sha256(clientKey), storedKey);
}

// ── the client's side of one exchange ──────────────────────────────────────────────────────────

export class ScramError extends Error {}

/**
 * One SCRAM exchange as a client runs it: `clientFirst` → `answer(serverFirst)` gives the
 * client-final message → `verifyServer(serverFinal)`. The password is dropped as soon as the keys
 * are derived; afterwards only the ServerKey and the AuthMessage are held, to check the server.
 */
export class ScramClient {
  readonly clientFirst: string;
  readonly #bare: string;
  readonly #nonce: string;
  readonly #p: ScramPrimitives;
  #password: string | null;
  #expected: Uint8Array | null = null;

  constructor(user: string, password: string, nonce: string = scramNonce(), p: ScramPrimitives = webCryptoPrimitives) {
    this.clientFirst = formatClientFirst(user, nonce);
    this.#bare = this.clientFirst.slice(GS2_HEADER.length);
    this.#nonce = nonce;
    this.#password = password;
    this.#p = p;
  }

  /**
   * The client-final message for the server's challenge (one PBKDF2 run). Throws ScramError for a
   * challenge a client must not answer: another nonce, or an iteration count out of range.
   */
  async answer(serverFirst: string): Promise<string> {
    const password = this.#password;
    if (password === null) throw new ScramError('this exchange was already answered');
    const parsed = parseServerFirst(serverFirst);
    if (!parsed) throw new ScramError('the server-first message is malformed');
    if (!parsed.nonce.startsWith(this.#nonce) || parsed.nonce.length <= this.#nonce.length)
      throw new ScramError("the server's nonce does not extend ours");
    if (parsed.iterations < SCRAM_MIN_ITERATIONS || parsed.iterations > SCRAM_MAX_ITERATIONS)
      throw new ScramError(`the iteration count ${parsed.iterations} is out of range`);
    this.#password = null;
    const p = this.#p;
    const keys = await scramKeys(await saltedPassword(password, parsed.salt, parsed.iterations, p), p);
    const withoutProof = `c=${CHANNEL_BINDING},r=${parsed.nonce}`;
    const message = authMessage(this.#bare, serverFirst, withoutProof);
    this.#expected = await serverSignature(keys.serverKey, message, p);
    return `${withoutProof},p=${toBase64(await clientProof(keys, message, p))}`;
  }

  /** True when the server-final message carries the signature only a holder of the verifier can make. */
  verifyServer(serverFinal: string): boolean {
    const parsed = parseServerFinal(serverFinal);
    const expected = this.#expected;
    this.#expected = null;
    return expected !== null && parsed !== null && 'signature' in parsed && sameBytes(parsed.signature, expected);
  }
}
