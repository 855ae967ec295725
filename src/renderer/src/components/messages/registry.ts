import type { Component } from 'svelte';
import type { MessageKind } from '../../../../shared/protocol/index.ts';
import AnnouncementRow from './AnnouncementRow.svelte';
import FeedRow from './FeedRow.svelte';
import ModerationRow from './ModerationRow.svelte';
import FileRow from './FileRow.svelte';
import type { RowProps } from './row-env.ts';
import TextRow from './TextRow.svelte';

/**
 * The row component for each message kind this renderer can show. A kind of the protocol without a
 * row here (one added to `messageKindSchemas` before its row is written) shows like a kind from a
 * newer host: as `UnknownRow`, with its text fallback, never as an error.
 */
export const messageRows: { [K in MessageKind]?: Component<RowProps<K>> } = {
  text: TextRow,
  announcement: AnnouncementRow,
  feed: FeedRow,
  moderation: ModerationRow,
  file: FileRow,
};

/** The row component for `kind`, typed for its content; undefined when this renderer has none yet. */
export function rowFor<K extends MessageKind>(kind: K): Component<RowProps<K>> | undefined {
  return messageRows[kind] as Component<RowProps<K>> | undefined;
}
