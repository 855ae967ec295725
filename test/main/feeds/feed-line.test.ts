import { describe, expect, it } from 'vitest';
import { cleanLine, LineSplitter, plainLine } from '../../../src/main/feeds/feed-line.ts';
import { MAX_FEED_LINE_LENGTH } from '../../../src/shared/protocol/index.ts';

const ESC = '\u001b';

describe('cleanLine', () => {
  it('keeps SGR colour codes and tabs', () => {
    const line = `${ESC}[1;31merror${ESC}[0m\tdone ${ESC}[38;5;208morange${ESC}[m`;
    expect(cleanLine(line)).toBe(line);
    expect(plainLine(line)).toBe('error\tdone orange');
  });

  it('drops every other escape sequence: cursor moves, erase, window titles, OSC 8 links, DCS', () => {
    expect(cleanLine(`a${ESC}[2J${ESC}[10;5Hb${ESC}[?25l`)).toBe('ab');
    expect(cleanLine(`${ESC}]0;pwned title\u0007text`)).toBe('text');
    expect(cleanLine(`${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`)).toBe('click');
    expect(cleanLine(`${ESC}Pq#0;2;0;0;0${ESC}\\after`)).toBe('after');
    expect(cleanLine(`${ESC}(Bx${ESC}7y${ESC}`)).toBe('xy');
  });

  it('shows other control characters as visible pictures, and C1 and bidi overrides as U+FFFD', () => {
    expect(cleanLine('bell\u0007 nul\u0000 del\u007f bs\b')).toBe('bell\u2407 nul\u2400 del\u2421 bs\u2408');
    expect(cleanLine('c1\u009b31m rtl\u202eevil')).toBe('c1\ufffd31m rtl\ufffdevil');
  });

  it('leaves markup as text (clients render text, never HTML)', () => {
    const xss = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    expect(cleanLine(xss)).toBe(xss);
  });

  it(`cuts at MAX_FEED_LINE_LENGTH (${MAX_FEED_LINE_LENGTH}) with an ellipsis, never inside a pair or a colour code`, () => {
    expect(cleanLine('x'.repeat(MAX_FEED_LINE_LENGTH))).toHaveLength(MAX_FEED_LINE_LENGTH);
    const over = cleanLine('x'.repeat(MAX_FEED_LINE_LENGTH + 1));
    expect(over).toHaveLength(MAX_FEED_LINE_LENGTH);
    expect(over.endsWith('…')).toBe(true);
    const pair = cleanLine('x'.repeat(MAX_FEED_LINE_LENGTH - 2) + '😀😀');
    expect(pair).toBe('x'.repeat(MAX_FEED_LINE_LENGTH - 2) + '…');
    const sgr = cleanLine('x'.repeat(MAX_FEED_LINE_LENGTH - 4) + `${ESC}[31mred`);
    expect(sgr).toBe('x'.repeat(MAX_FEED_LINE_LENGTH - 4) + '…');
  });
});

describe('LineSplitter', () => {
  function split(chunks: (string | Buffer)[], max = 64) {
    const lines: [string, boolean][] = [];
    const splitter = new LineSplitter(max);
    const push = (text: string, cut: boolean) => lines.push([text, cut]);
    for (const c of chunks) splitter.push(Buffer.isBuffer(c) ? c : Buffer.from(c), push);
    splitter.end(push);
    return lines;
  }

  it('joins lines across chunks, drops CR before LF, keeps what follows a lone CR', () => {
    expect(split(['one\ntw', 'o\r\nthr', 'ee'])).toEqual([
      ['one', false],
      ['two', false],
      ['three', false],
    ]);
    expect(split(['10%\r50%\r100%\n'])).toEqual([['100%', false]]);
    expect(split(['\n\n'])).toEqual([
      ['', false],
      ['', false],
    ]);
  });

  it('decodes invalid UTF-8 as U+FFFD and multi-byte characters split across chunks whole', () => {
    const euro = Buffer.from('€');
    expect(
      split([
        Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]),
        Buffer.concat([euro.subarray(1), Buffer.from('\n')]),
      ]),
    ).toEqual([['a€', false]]);
    expect(split([Buffer.from([0xff, 0xfe, 0x41, 0x0a])])).toEqual([['\ufffd\ufffdA', false]]);
  });

  it('cuts a line longer than maxBytes and drops the rest of it up to its newline', () => {
    expect(split(['x'.repeat(100) + '\nnext\n'], 64)).toEqual([
      ['x'.repeat(64), true],
      ['next', false],
    ]);
    // A line that never ends holds at most maxBytes: chunks beyond it are dropped as they come.
    const lines = split(['y'.repeat(40), 'y'.repeat(40), 'y'.repeat(40), '\nok\n'], 64);
    expect(lines).toEqual([
      ['y'.repeat(64), true],
      ['ok', false],
    ]);
    expect(split(['z'.repeat(64) + '\n'], 64)).toEqual([['z'.repeat(64), false]]);
  });
});
