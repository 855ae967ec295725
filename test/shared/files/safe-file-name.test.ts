import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME_BYTES, safeFileName } from '../../../src/shared/files/safe-file-name.ts';

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('safeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ann\\secret.txt', 'secret.txt'],
    ['dir/', 'dir'],
    ['..', 'file'],
    ['.', 'file'],
    ['', 'file'],
    ['   ', 'file'],
    ['.bashrc', 'bashrc'],
    ['name. . .', 'name'],
    ['a\u0000b\u0007c\u009fd.txt', 'abcd.txt'],
    ['cat\u202egnp.exe', 'catgnp.exe'],
    ['in\u2066vis\u2069ible\u200b.txt', 'invisible.txt'],
    ['what?<is>:this|"*.txt', 'what__is__this___.txt'],
    ['tab\there\nnewline.txt', 'tabherenewline.txt'],
    ['many   spaces\u3000here.txt', 'many spaces here.txt'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['Lpt9.tar.gz', '_Lpt9.tar.gz'],
    ['COM¹', '_COM¹'],
    ['console.txt', 'console.txt'],
    ['e\u0301te\u0301.txt', 'été.txt'],
    ['lone\ud800.txt', 'lone\ufffd.txt'],
  ])('%j → %j', (raw, safe) => {
    expect(safeFileName(raw)).toBe(safe);
  });

  it('cuts a 1000-character name to 255 UTF-8 bytes, keeping its extension and whole characters', () => {
    const ascii = safeFileName(`${'a'.repeat(1000)}.jpeg`);
    expect(bytes(ascii)).toBe(MAX_FILE_NAME_BYTES);
    expect(ascii.endsWith('.jpeg')).toBe(true);
    const wide = safeFileName(`${'猫'.repeat(1000)}.png`);
    expect(bytes(wide)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(wide).toMatch(/^猫+\.png$/);
    const emoji = safeFileName('😀'.repeat(1000));
    expect(bytes(emoji)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(emoji).toMatch(/^(😀)+$/u);
  });

  it('treats a long "extension" as part of the name', () => {
    const name = safeFileName(`x.${'y'.repeat(400)}`);
    expect(bytes(name)).toBe(MAX_FILE_NAME_BYTES);
    expect(name.startsWith('x.y')).toBe(true);
  });

  it('is idempotent', () => {
    for (const raw of ['../a/b.txt', 'CON', `${'z'.repeat(600)}.md`, ' .x. ']) {
      expect(safeFileName(safeFileName(raw))).toBe(safeFileName(raw));
    }
  });
});
