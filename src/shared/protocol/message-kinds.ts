import { z } from 'zod';
import { feedBody, MAX_FEED_TEXT_LENGTH } from './feed-frames.ts';
import { fileBody } from './file-frames.ts';
import { chatText, messageText, utf16String } from './fields.ts';
import { MAX_MODERATION_TEXT_LENGTH, moderationBody } from './moderation-body.ts';

/**
 * What a stored message may carry, one schema per `kind`. Every kind has a `text`: the whole
 * message for `text`, and a plain-text fallback for the others, so a client that does not know a
 * kind still shows something readable (Matrix's `body` works the same way). Kind-specific fields
 * live in `body`.
 */

/** Longest announcement an operator may post, in UTF-16 code units (same as chat text). */
export const MAX_ANNOUNCEMENT_LENGTH = 2000;

export const announcementLevel = z.enum(['info', 'warning']);
export type AnnouncementLevel = z.infer<typeof announcementLevel>;

export const messageKindSchemas = {
  /** A member's chat message. No body. */
  text: z.object({ kind: z.literal('text'), text: chatText }),
  /** A notice from the host's operator, stored in the room like any message and replayed on resume. */
  announcement: z.object({
    kind: z.literal('announcement'),
    text: messageText(MAX_ANNOUNCEMENT_LENGTH),
    /** A level this client does not know reads as 'info'. */
    body: z.object({ level: announcementLevel.catch('info') }),
  }),
  /** A batch of a feed's lines (command output, a member's stdin line, host metrics); `text` is them without colour codes. */
  feed: z.object({ kind: z.literal('feed'), text: utf16String(1, MAX_FEED_TEXT_LENGTH), body: feedBody }),
  /** A file a member sent; `text` is its name and size. Its bytes are at `/files/<body.file>` once complete. */
  file: z.object({ kind: z.literal('file'), text: utf16String(1, 300), body: fileBody }),
  /** The record of an operator's kick, ban, mute or their lifting; `text` says it in a sentence. */
  moderation: z.object({
    kind: z.literal('moderation'),
    text: messageText(MAX_MODERATION_TEXT_LENGTH),
    body: moderationBody,
  }),
} as const;

export type MessageKind = keyof typeof messageKindSchemas;
export type MessageContentOf<K extends MessageKind> = z.infer<(typeof messageKindSchemas)[K]>;
/** The content of a message of a known kind: what a source posts and what a client shows. */
export type MessageContent = { [K in MessageKind]: MessageContentOf<K> }[MessageKind];

export const MESSAGE_KINDS = Object.keys(messageKindSchemas) as MessageKind[];

/** Who put a message into a room: a member's connection, the host's operator, the host itself, or a feed. */
export const messageSources = ['member', 'operator', 'host', 'feed'] as const;
export type MessageSource = (typeof messageSources)[number];

export type ReadContent = { ok: true; content: MessageContent } | { ok: false; kind: string; text: string };

/**
 * Read a stored message's content against its kind's schema. An unknown kind, or a known kind
 * whose body this version cannot read, comes back as `ok: false` with the fallback text, never an
 * exception: the message still counts (its seq advances the client) and shows as text.
 */
export function readContent(message: { kind: string; text: string; body?: unknown }): ReadContent {
  const schema = Object.hasOwn(messageKindSchemas, message.kind)
    ? messageKindSchemas[message.kind as MessageKind]
    : undefined;
  const parsed = schema?.safeParse(message);
  if (parsed?.success) return { ok: true, content: parsed.data as MessageContent };
  return { ok: false, kind: message.kind, text: message.text };
}
