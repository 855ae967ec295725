/**
 * WebSocket close codes the host uses. 4000–4999 are Tincan's own; the standard ones are listed
 * because clients see them too and should react to them.
 */
export const CLOSE_CODES = {
  /** The host is shutting down. Reconnect later. */
  goingAway: 1001,
  /** Seen by the client, never sent: the host dropped the TCP connection (dead peer or slow consumer). */
  abnormal: 1006,
  /** A text frame was not valid UTF-8 (closed by the WebSocket layer). */
  invalidUtf8: 1007,
  /** A frame was larger than `maxFrameBytes` (closed by the WebSocket layer). */
  tooBig: 1009,
  /** No valid `hello` within `helloTimeoutMs`. */
  helloTimeout: 4001,
  /** The `hello` asked for a protocol version this host does not speak. */
  unsupportedProtocol: 4002,
  /** The host's operator removed this connection; the reason says why (cut to fit a close frame). */
  kicked: 4003,
  /** This device or address is banned from the host (at `hello`, or when a ban is made). */
  banned: 4004,
  /** The client kept sending after `rateStrikes` rate-limited frames in a row. */
  rateLimit: 4029,
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
