/**
 * Every limit the host enforces, with its default, in one place. The host merges its options over
 * these once at start-up; `docs/protocol.md` documents the same numbers, and `welcome.limits` tells
 * each client the ones that shape what it may send.
 */
export const DEFAULT_LIMITS = {
  /** Largest text frame the host accepts, in bytes. Larger frames close the socket with 1009. */
  maxFrameBytes: 64 * 1024,
  /** Largest payload of a binary frame, in bytes (the frame is this plus its 25-byte header). Larger: 1009. */
  maxChunkBytes: 256 * 1024,
  /** Text frames a connection may send per second on average (token-bucket refill rate). */
  ratePerSecond: 20,
  /** Text frames a connection may send in a burst above the average (token-bucket size). */
  rateBurst: 40,
  /** Bytes of text frames a connection may send per second on average, charged before decoding. */
  textBytesPerSecond: 256 * 1024,
  /** Bytes of text frames a connection may send in a burst (at least `maxFrameBytes`). */
  textBytesBurst: 1024 * 1024,
  /**
   * Bytes of binary frames a connection may send per second on average; past it, its socket goes
   * unread for a while. 1 GiB/s: more than a 10 GbE link carries, so on a LAN an upload is never
   * slowed by it, while a sender on loopback cannot keep the host busy with nothing but its bytes.
   */
  binaryBytesPerSecond: 1024 * 1024 * 1024,
  /** Bytes of binary frames a connection may send in a burst. */
  binaryBytesBurst: 16 * 1024 * 1024,
  /** What a binary frame costs at least, in bytes of the binary budget, so tiny frames are not free. */
  binaryFrameMinCost: 16 * 1024,
  /**
   * Strikes (frames refused for rate) a connection may hold before the host closes it with 4029.
   * Each refused frame adds one; one decays per second, so a steady stream over the limit closes.
   */
  rateStrikes: 100,
  /** Open WebSocket connections allowed from one remote address. */
  maxConnectionsPerAddress: 16,
  /** Open WebSocket connections allowed from one IPv6 /64 (one machine can use any address of its /64). */
  maxConnectionsPerPrefix: 256,
  /** Open WebSocket connections allowed in total. */
  maxConnections: 2000,
  /** Open connections from which the host counts as crowded (see maxConnectionsPerAddressCrowded). */
  crowdedConnections: 1500,
  /** Connections one address may hold once the host is crowded: the last places go to newcomers. */
  maxConnectionsPerAddressCrowded: 2,
  /** Bytes queued for all clients together before the host drops the slowest (the biggest queues) first. */
  maxHostBufferedBytes: 256 * 1024 * 1024,
  /** Rooms one connection may have joined at once. */
  maxRoomsPerConnection: 32,
  /** Time to send complete HTTP headers (slowloris guard), in ms. */
  headersTimeoutMs: 10_000,
  /** Time from WebSocket open to a valid `hello`, in ms. Past it the host closes with 4001. */
  helloTimeoutMs: 10_000,
  /** Interval between heartbeat pings, in ms; a peer that misses one pong is dropped at the next. */
  heartbeatIntervalMs: 30_000,
  /** Bytes queued for one client before it counts as a slow consumer and is dropped. */
  maxBufferedBytes: 4 * 1024 * 1024,
  /** Messages in one history page when the client does not ask for fewer. */
  historyPageSize: 100,
  /** Bytes of messages one history page holds at most, well under maxBufferedBytes, so every page can be delivered. */
  maxPageBytes: 1024 * 1024,
  /** Newest matches a search ranks at most: the bound on one search's cost. */
  searchCandidates: 500,
  /** Time one connection's searches may take, in ms per second on average. */
  searchMsPerSecond: 50,
  /** Time one connection's searches may take in a burst, in ms. */
  searchMsBurst: 200,
  /** Time all searches together may take, in ms per second on average: the rest is for chat. */
  hostSearchMsPerSecond: 200,
  /** Time all searches together may take in a burst, in ms. */
  hostSearchMsBurst: 400,
  /** Largest file one `upload` may offer, in bytes (2 GiB). */
  maxFileBytes: 2 * 1024 * 1024 * 1024,
  /** Bytes all files on the host may take together, complete ones and those still uploading (20 GiB). */
  fileQuotaBytes: 20 * 1024 * 1024 * 1024,
  /** An upload that receives nothing for this long (ms) fails as stalled, and its partial file is deleted. */
  uploadIdleTimeoutMs: 60 * 60 * 1000,
  /** Uploads one connection may have in progress at once. */
  maxUploadsPerConnection: 4,
  /** Uploads the host has in progress at once, over every connection. */
  maxUploads: 64,
  /** Messages written in one storage transaction at most (group commit). */
  maxCommitBatch: 1000,
  /** First wait after a wrong room password, in ms; doubles with each further wrong try. */
  passwordBackoffBaseMs: 500,
  /** Longest wait after wrong room passwords, in ms. */
  passwordBackoffMaxMs: 30_000,
  /** Password checks per second a room allows, shared by every address that already got it wrong. */
  passwordChecksPerRoomPerSecond: 2,
  /** Password checks a room allows in a burst to addresses that already got it wrong. */
  passwordChecksPerRoomBurst: 10,
  /** PBKDF2 iterations of the SCRAM verifiers the host makes (at least 4096, RFC 7677); costs the joining client, not the host. */
  scramIterations: 600_000,
  /** Time a client has to answer a password `challenge`, in ms; past it the challenge counts as a wrong password. */
  challengeTimeoutMs: 10_000,
  /** Password challenges one connection may have open at once. */
  maxChallengesPerConnection: 4,
  /** Password challenges the host has open at once, over every connection. */
  maxChallenges: 1000,
  /** How long a session ticket from a SCRAM join admits its device to the room, in ms (not extended by use). */
  sessionTicketTtlMs: 24 * 60 * 60 * 1000,
} as const;

export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };
