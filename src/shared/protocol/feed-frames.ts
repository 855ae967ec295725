import { z } from 'zod';
import { clientMessageId, plainText, ref, roomName, seq, timestamp, utf16String } from './fields.ts';

/**
 * Command feeds and host metrics (docs/protocol.md, "Feeds"): what a feed's lines look like inside a
 * stored `feed` message, the state frame a host sends about each feed, the marker a viewer that fell
 * behind gets, and the frame a member sends to type a line into a feed's standard input.
 */

/** Longest feed line, in UTF-16 code units, colour codes included. The host cuts longer lines (ending in `…`). */
export const MAX_FEED_LINE_LENGTH = 4096;
/** Most lines in one stored `feed` message (one batch). */
export const MAX_FEED_BATCH_LINES = 500;
/** Longest `text` fallback of a `feed` message, in UTF-16 code units. */
export const MAX_FEED_TEXT_LENGTH = 2000;
/** Longest line a member may type into a feed's standard input, in UTF-16 code units. */
export const MAX_FEED_INPUT_LENGTH = 1000;

/** A feed's name: short, printable, unique in its room. */
export const feedName = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ., _ or - (starting with a letter or digit)');

/** Where a line came from: the process's stdout (absent, the common case), stderr, a member's stdin line, or the host about the process. */
export const feedStreams = ['out', 'err', 'in', 'sys'] as const;
export type FeedStream = (typeof feedStreams)[number];

export const feedLine = z.object({
  /** The line without its newline. May hold SGR colour codes (`ESC [ … m`) and tabs; nothing else below U+0020. */
  text: utf16String(0, MAX_FEED_LINE_LENGTH),
  /** Absent for stdout. A stream this client does not know reads as `out`. */
  stream: z.enum(feedStreams).catch('out').optional(),
});
export type FeedLine = z.infer<typeof feedLine>;

/** The body of a stored `feed` message: one batch of a feed's lines. */
export const feedBody = z.object({
  feed: feedName,
  lines: z.array(feedLine).max(MAX_FEED_BATCH_LINES),
  /** Lines the host dropped (not stored) just before this batch, because the feed printed faster than its budget. */
  skipped: z.int().min(1).optional(),
});
export type FeedBody = z.infer<typeof feedBody>;

/** Who may type into a feed's stdin. */
export const feedStdinPolicies = ['nobody', 'members', 'everyone'] as const;
export type FeedStdinPolicy = (typeof feedStdinPolicies)[number];

/**
 * `finished`: ended on its own with code 0. `failed`: could not be started (program missing or not
 * executable, `error` says which) and is not retried until the operator starts it. `exited`: what
 * hosts before these two sent for a code-0 end; clients read it like `finished`.
 */
export const feedStates = ['starting', 'running', 'finished', 'failed', 'exited', 'restarting', 'stopped'] as const;
export type FeedState = (typeof feedStates)[number];

/** What a host says about one feed: sent to a member on joining the room and to every member on each change. */
export const feedInfo = z.object({
  name: feedName,
  /** `command`: a process the operator attached; `metrics`: the host's own metrics, one JSON line a second. */
  source: z.enum(['command', 'metrics']).catch('command'),
  /** The program and its arguments, as run (no shell). Absent for `metrics`. */
  command: z.array(z.string()).optional(),
  /** An unknown state reads as `exited`. */
  state: z.enum(feedStates).catch('exited'),
  /** Process id while running. */
  pid: z.int().min(1).optional(),
  /** Exit code of the last run (on `finished` and `restarting`), when it exited on its own. */
  code: z.int().optional(),
  /** The signal that ended the last run, when one did. */
  signal: z.string().max(16).optional(),
  /** Why the process could not be started, when it could not (`ENOENT`: no such program; `EACCES`: not executable). */
  error: z.string().max(200).optional(),
  /** Restarts since the operator last started it. */
  restarts: z.int().min(0),
  /** On `restarting`: when the next start is due (host clock, ms). */
  retryAt: timestamp.optional(),
  /** When the current state began (host clock, ms). */
  since: timestamp,
  stdin: z.enum(feedStdinPolicies).catch('nobody'),
  /** True when this connection may send `feed-input` to the feed now. */
  canWrite: z.boolean(),
});
export type FeedInfo = z.infer<typeof feedInfo>;

/** A line typed into a feed's standard input; stored in the room as a `feed` line of stream `in`, then acked. */
export const feedInputFrame = z.object({
  type: z.literal('feed-input'),
  ref: ref.optional(),
  room: roomName,
  feed: feedName,
  /** The client's message id: a retry with the same id is stored and written to the process once. */
  id: clientMessageId,
  // Stored, shown to the room and written to the process: well-formed (plainText), one line with no
  // control character but tab (C1 ones included), and no bidi override, as for chat text.
  text: plainText(1, MAX_FEED_INPUT_LENGTH).refine(
    // eslint-disable-next-line no-control-regex -- one line: no newline or other control characters
    (s) => !/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u.test(s),
    'must be one line without control characters or bidi overrides',
  ),
});

/** State of one feed in a room. */
export const feedFrame = z.object({ type: z.literal('feed'), room: roomName, feed: feedInfo });

/**
 * This connection was not sent the feed messages `from`..`to` (seqs, inclusive) of `feed`, holding
 * `lines` lines, because it was not reading fast enough. They are in the room's history.
 */
export const skippedFrame = z.object({
  type: z.literal('skipped'),
  room: roomName,
  feed: feedName,
  lines: z.int().min(1),
  from: seq.min(1),
  to: seq.min(1),
});
