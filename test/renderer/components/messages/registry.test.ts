import { describe, expect, it } from 'vitest';
import AnnouncementRow from '../../../../src/renderer/src/components/messages/AnnouncementRow.svelte';
import FeedRow from '../../../../src/renderer/src/components/messages/FeedRow.svelte';
import FileRow from '../../../../src/renderer/src/components/messages/FileRow.svelte';
import ModerationRow from '../../../../src/renderer/src/components/messages/ModerationRow.svelte';
import { messageRows, rowFor } from '../../../../src/renderer/src/components/messages/registry.ts';
import TextRow from '../../../../src/renderer/src/components/messages/TextRow.svelte';
import { MESSAGE_KINDS } from '../../../../src/shared/protocol/index.ts';

describe('message row registry', () => {
  it('registers rows only for kinds the protocol defines', () => {
    for (const kind of Object.keys(messageRows)) expect(MESSAGE_KINDS).toContain(kind);
  });

  it('pairs each kind with its own row', () => {
    expect(rowFor('text')).toBe(TextRow);
    expect(rowFor('announcement')).toBe(AnnouncementRow);
    expect(rowFor('feed')).toBe(FeedRow);
    expect(rowFor('file')).toBe(FileRow);
    expect(rowFor('moderation')).toBe(ModerationRow);
  });
});
