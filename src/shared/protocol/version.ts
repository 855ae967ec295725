/** The wire protocol version this build speaks. Bumped only for changes an older peer cannot ignore. */
export const PROTOCOL_VERSION = 1;

/**
 * The WebSocket subprotocol a Tincan host selects when a client offers it on `/ws`: a client knows
 * from the handshake alone that it reached a Tincan host.
 */
export const TINCAN_SUBPROTOCOL = 'tincan.v1';

/** Protocol versions a host accepts in `hello`. */
export const SUPPORTED_PROTOCOLS: readonly number[] = [PROTOCOL_VERSION];
