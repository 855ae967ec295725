import { describe, expect, it } from 'vitest';
import { decodeHostFrame, MAX_ANNOUNCEMENT_LENGTH, readContent } from '../../../src/shared/protocol/index.ts';

describe('message kinds', () => {
  it('reads text and announcements with their schemas', () => {
    expect(readContent({ kind: 'text', text: 'hi' })).toEqual({ ok: true, content: { kind: 'text', text: 'hi' } });
    expect(readContent({ kind: 'announcement', text: 'noon', body: { level: 'warning' } })).toEqual({
      ok: true,
      content: { kind: 'announcement', text: 'noon', body: { level: 'warning' } },
    });
  });

  it('reads an unknown announcement level as info', () => {
    expect(readContent({ kind: 'announcement', text: 'x', body: { level: 'critical' } })).toMatchObject({
      ok: true,
      content: { body: { level: 'info' } },
    });
  });

  it('falls back to the text for an unknown kind or a body it cannot read', () => {
    expect(readContent({ kind: 'file', text: 'photo.png (2 MB)', body: { id: 'f1' } })).toEqual({
      ok: false,
      kind: 'file',
      text: 'photo.png (2 MB)',
    });
    expect(readContent({ kind: 'announcement', text: 'x' })).toEqual({ ok: false, kind: 'announcement', text: 'x' });
    expect(readContent({ kind: 'toString', text: 'x' })).toMatchObject({ ok: false }); // no prototype lookups
  });

  it('bounds announcements at MAX_ANNOUNCEMENT_LENGTH', () => {
    const at = 'a'.repeat(MAX_ANNOUNCEMENT_LENGTH);
    expect(readContent({ kind: 'announcement', text: at, body: { level: 'info' } }).ok).toBe(true);
    expect(readContent({ kind: 'announcement', text: `${at}a`, body: { level: 'info' } }).ok).toBe(false);
  });

  it('decodes from.source, and an unknown source as host, never as a member', () => {
    const message = (from: object) =>
      JSON.stringify({ type: 'message', room: 'r', seq: 1, id: 'i', from, kind: 'text', text: 't', ts: 1 });
    const read = (from: object) => {
      const d = decodeHostFrame(message(from));
      return d.ok && d.frame.type === 'message' ? d.frame.from.source : 'failed';
    };
    expect(read({ nick: 'a', device: 'abcd' })).toBeUndefined();
    expect(read({ nick: 'ops', device: 'host', source: 'operator' })).toBe('operator');
    expect(read({ nick: 'x', device: 'host', source: 'robot' })).toBe('host');
  });
});
