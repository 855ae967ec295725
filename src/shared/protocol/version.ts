/** The wire protocol version this build speaks. Bumped only for changes an older peer cannot ignore. */
export const PROTOCOL_VERSION = 1;

/** Protocol versions a host accepts in `hello`. */
export const SUPPORTED_PROTOCOLS: readonly number[] = [PROTOCOL_VERSION];
