/**
 * Stable error codes carried by `error` frames. Clients switch on `code`; `message` is for people
 * and may change. A client that meets a code it does not know treats it as `internal`.
 */
export const ERROR_CODES = {
  bad_json: 'The text frame is not valid JSON.',
  binary_unsupported: 'This host has no handler for the binary frame type in the first byte.',
  bad_binary: 'The binary frame is shorter than its 25-byte header, or its offset is out of range.',
  unknown_type: 'The frame has no `type`, or a `type` this host does not know.',
  invalid_frame: 'A field is missing, of the wrong type, or out of range.',
  hello_required: 'The first frame on a connection must be `hello`.',
  already_greeted: '`hello` was already accepted on this connection.',
  unsupported_protocol: 'The `hello` asks for a protocol version this host does not speak.',
  rate_limited: 'Too many frames; wait `retryAfterMs` and send again.',
  room_not_found: 'No room of that name on this host.',
  not_joined: 'The frame names a room this connection has not joined.',
  too_many_rooms: 'This connection has joined as many rooms as it may.',
  password_required: 'The room has a password and the `join` carried none.',
  wrong_password: 'The password does not match.',
  auth_backoff: 'Too many wrong passwords from this address; wait `retryAfterMs`.',
  password_in_clear:
    'The `join` carried `password`: this host never takes a password in clear. Join with `auth` (SCRAM-SHA-256).',
  too_many_challenges:
    'This connection, or the host, has as many password challenges open as it allows; wait `retryAfterMs`.',
  no_challenge:
    'No challenge is open for that room on this connection (answered, expired or never asked); `join` again.',
  ticket_refused:
    'The session ticket is expired, not for this room, device or host, or the password changed; use the password.',
  password_upgrade_required:
    "The room's password predates SCRAM: the operator must set it again before anyone can join with it.",
  feed_not_found: 'No feed of that name in the room.',
  feed_input_denied: "This connection may not type into that feed (see the feed's `stdin` and `canWrite`).",
  feed_not_running: "The feed's process is not running, so there is no standard input to write to.",
  banned:
    'This device or address is banned from the host; `retryAfterMs` says when the ban ends (absent: until lifted).',
  muted:
    'The operator muted this device in that room; nothing was stored. Wait `retryAfterMs` (absent: until unmuted).',
  file_too_large: 'The offered file is larger than `maxFileBytes`.',
  quota_exceeded: "The host's disk quota for files has no room for this file; `message` says how much is left.",
  storage_full: "The host's disk is full: the upload keeps what it stored and can resume later.",
  file_not_found: 'No file of that id in a room this connection has joined.',
  not_uploader: 'Only the device that offered a file may send its bytes, end or cancel it.',
  upload_offset: "A chunk's offset is not the byte the host expects; send `upload` again to learn it.",
  upload_closed: 'The upload is already complete, failed or cancelled.',
  upload_incomplete: '`upload-end` came before all the bytes the `upload` announced.',
  hash_mismatch: "The bytes the host received do not have the sender's SHA-256; the file failed.",
  too_many_uploads: 'This connection, or the host, has as many uploads in progress as it allows.',
  storage_failed: 'The host could not store the message; it was not sent. Retry with the same `id`.',
  internal: 'The host hit an unexpected error handling this frame.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
