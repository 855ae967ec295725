import { describe, expect, it } from 'vitest';
import AnnouncementRow from '../../../../src/renderer/src/components/messages/AnnouncementRow.svelte';
import { messageRows, rowFor } from '../../../../src/renderer/src/components/messages/registry.ts';
import TextRow from '../../../../src/renderer/src/components/messages/TextRow.svelte';
import { MESSAGE_KINDS } from '../../../../src/shared/protocol/index.ts';

describe('message row registry', () => {
  it('has one row component for every kind the protocol defines, and no other', () => {
    expect(Object.keys(messageRows).sort()).toEqual([...MESSAGE_KINDS].sort());
    for (const kind of MESSAGE_KINDS) expect(typeof rowFor(kind)).toBe('function');
  });

  it('pairs each kind with its own row', () => {
    expect(rowFor('text')).toBe(TextRow);
    expect(rowFor('announcement')).toBe(AnnouncementRow);
  });
});
