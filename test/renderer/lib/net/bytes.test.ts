import { describe, expect, it } from 'vitest';
import {
  hexDump,
  parseBase64,
  parseHex,
  toBase64,
  toHex,
  utf8Length,
} from '../../../../src/renderer/src/lib/net/bytes.ts';

describe('bytes', () => {
  it('counts UTF-8 bytes, not UTF-16 units', () => {
    for (const s of ['', 'a', 'é', '世界', '🌍', 'héllo 🌍 世界', '\ud800x'])
      expect(utf8Length(s), s).toBe(new TextEncoder().encode(s).byteLength);
  });

  it('reads hex as people write it and refuses what is not whole bytes', () => {
    expect(toHex(parseHex('00 FF:10, 0x80')!)).toBe('00ff1080');
    expect(parseHex('')!.byteLength).toBe(0);
    expect(parseHex('abc')).toBeNull();
    expect(parseHex('zz')).toBeNull();
  });

  it('round-trips base64, URL-safe too, and refuses garbage', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    expect(parseBase64(toBase64(bytes))).toEqual(bytes);
    expect(parseBase64('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(parseBase64('a')).toBeNull();
    expect(parseBase64('!!')).toBeNull();
  });

  it('dumps offsets, hex and printable ASCII', () => {
    expect(hexDump(new TextEncoder().encode('AB\n'))).toBe(`00000000  41 42 0a${' '.repeat(39)}  AB.`);
  });
});
