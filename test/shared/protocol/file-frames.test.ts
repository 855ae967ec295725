import { describe, expect, it } from 'vitest';
import {
  decodeClientFrame,
  decodeHostFrame,
  formatBytes,
  MAX_IMAGE_SIDE,
  MAX_STATUS_FILES,
  MAX_UPLOAD_NAME_LENGTH,
  readContent,
} from '../../../src/shared/protocol/index.ts';

const FILE = '3f9c1e0a5b7d4c2e8f6a1b3c5d7e9f01';
const upload = (fields: Record<string, unknown>) =>
  decodeClientFrame(JSON.stringify({ type: 'upload', room: 'general', id: 'u1', name: 'a.txt', size: 1, ...fields }));

describe('file frames at their edges', () => {
  it('takes a name of MAX_UPLOAD_NAME_LENGTH UTF-16 units and refuses one more', () => {
    expect(upload({ name: 'x'.repeat(MAX_UPLOAD_NAME_LENGTH) }).ok).toBe(true);
    expect(upload({ name: 'x'.repeat(MAX_UPLOAD_NAME_LENGTH + 1) })).toMatchObject({
      ok: false,
      code: 'invalid_frame',
    });
    expect(upload({ name: '' })).toMatchObject({ ok: false });
  });

  it('takes sizes from 0 to 2^53 - 1 (the host applies its own maxFileBytes)', () => {
    expect(upload({ size: 0 }).ok).toBe(true);
    expect(upload({ size: Number.MAX_SAFE_INTEGER }).ok).toBe(true);
    expect(upload({ size: -1 }).ok).toBe(false);
    expect(upload({ size: 1.5 }).ok).toBe(false);
  });

  it('defaults the type, and takes only lower-case type/subtype', () => {
    const decoded = upload({});
    expect(decoded.ok && decoded.frame.type === 'upload' && decoded.frame.mime).toBe('application/octet-stream');
    expect(upload({ mime: 'image/png' }).ok).toBe(true);
    expect(upload({ mime: 'image/svg+xml' }).ok).toBe(true);
    expect(upload({ mime: 'Image/PNG' }).ok).toBe(false);
    expect(upload({ mime: 'text/html; charset=utf-8' }).ok).toBe(false);
    expect(upload({ mime: `a/${'b'.repeat(126)}` }).ok).toBe(false);
  });

  it('takes image sides from 1 to MAX_IMAGE_SIDE', () => {
    expect(upload({ image: { width: 1, height: MAX_IMAGE_SIDE } }).ok).toBe(true);
    expect(upload({ image: { width: 0, height: 1 } }).ok).toBe(false);
    expect(upload({ image: { width: MAX_IMAGE_SIDE + 1, height: 1 } }).ok).toBe(false);
  });

  it('asks about 1 to MAX_STATUS_FILES files at once', () => {
    const status = (n: number) =>
      decodeClientFrame(JSON.stringify({ type: 'file-status', room: 'general', files: Array(n).fill(FILE) }));
    expect(status(MAX_STATUS_FILES).ok).toBe(true);
    expect(status(MAX_STATUS_FILES + 1).ok).toBe(false);
    expect(status(0).ok).toBe(false);
  });

  it('takes only 32 lower-case hex digits as a file id, and 64 as a SHA-256', () => {
    const end = (file: string, sha256: string) =>
      decodeClientFrame(JSON.stringify({ type: 'upload-end', file, sha256 }));
    expect(end(FILE, 'a'.repeat(64)).ok).toBe(true);
    expect(end(FILE.toUpperCase(), 'a'.repeat(64)).ok).toBe(false);
    expect(end(FILE.slice(1), 'a'.repeat(64)).ok).toBe(false);
    expect(end(FILE, 'a'.repeat(63)).ok).toBe(false);
  });

  it('reads a file-state of a state it does not know as failed', () => {
    const decoded = decodeHostFrame(
      JSON.stringify({ type: 'file-state', room: 'general', file: FILE, state: 'quarantined', received: 0, size: 1 }),
    );
    expect(decoded.ok && decoded.frame.type === 'file-state' && decoded.frame.state).toBe('failed');
  });

  it('reads a stored file message, and falls back to its text when the body is not one', () => {
    const body = { file: FILE, name: 'a.txt', size: 3, mime: 'text/plain' };
    expect(readContent({ kind: 'file', text: 'a.txt (3 bytes)', body })).toMatchObject({ ok: true });
    expect(readContent({ kind: 'file', text: 'a.txt (3 bytes)', body: { file: 'nope' } })).toEqual({
      ok: false,
      kind: 'file',
      text: 'a.txt (3 bytes)',
    });
  });

  it('formats sizes for people', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 2 ** 20)).toBe('3.0 MiB');
    expect(formatBytes(2 * 2 ** 30)).toBe('2.0 GiB');
    // In another language's words (the renderer's); larger units are the same everywhere.
    expect(formatBytes(41, { one: '字节', other: '字节' })).toBe('41 字节');
    expect(formatBytes(1536, { one: '字节', other: '字节' })).toBe('1.5 KiB');
  });
});
