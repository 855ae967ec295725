import type { Component } from 'svelte';
import type { MessageKind } from '../../../../shared/protocol/index.ts';
import AnnouncementRow from './AnnouncementRow.svelte';
import type { RowProps } from './row-env.ts';
import TextRow from './TextRow.svelte';

/**
 * The row component for each message kind. A kind added to the protocol's `messageKindSchemas`
 * must be added here too (the type says so); messages of kinds this version does not know, or
 * whose body it cannot read, show as `UnknownRow` with their text fallback.
 */
export const messageRows: { [K in MessageKind]: Component<RowProps<K>> } = {
  text: TextRow,
  announcement: AnnouncementRow,
};

/** The row component for `kind`, typed for its content. */
export function rowFor<K extends MessageKind>(kind: K): Component<RowProps<K>> {
  return messageRows[kind];
}
