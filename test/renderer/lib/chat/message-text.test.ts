import { describe, expect, it } from 'vitest';
import {
  mentionsMe,
  safeHref,
  segmentMessage,
  splitMatches,
} from '../../../../src/renderer/src/lib/chat/message-text.ts';

describe('segmentMessage', () => {
  it('finds http(s) links, leaving sentence punctuation outside', () => {
    expect(segmentMessage('see https://example.com/a?b=1. ok', 'me')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. ok' },
    ]);
  });

  it('never makes a link of other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'vbscript:x']) {
      expect(segmentMessage(text, 'me').every((s) => s.kind === 'text')).toBe(true);
    }
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('http://10.0.0.2:4747/')).toBe('http://10.0.0.2:4747/');
  });

  it('marks @mentions and whether they name me, in any script', () => {
    expect(segmentMessage('hi @Ann and @bo!', 'ann')).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Ann', self: true },
      { kind: 'text', text: ' and ' },
      { kind: 'mention', text: '@bo', self: false },
      { kind: 'text', text: '!' },
    ]);
    expect(mentionsMe('@小明 看一下', '小明')).toBe(true);
    expect(mentionsMe('mail me@ann.example', 'ann')).toBe(false);
  });

  it('keeps the text whole: segments join back to the input', () => {
    const text = '<img src=x onerror=alert(1)> @x https://a.b/c) end';
    expect(
      segmentMessage(text, 'x')
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });
});

describe('splitMatches', () => {
  it('splits around every case-insensitive occurrence of the query', () => {
    expect(splitMatches('Needle in a needle stack', 'needle')).toEqual([
      { text: 'Needle', match: true },
      { text: ' in a ', match: false },
      { text: 'needle', match: true },
      { text: ' stack', match: false },
    ]);
  });

  it('matches the query literally, not as a pattern, and leaves text alone without one', () => {
    expect(splitMatches('a.b axb (a.b)', 'a.b')).toEqual([
      { text: 'a.b', match: true },
      { text: ' axb (', match: false },
      { text: 'a.b', match: true },
      { text: ')', match: false },
    ]);
    expect(splitMatches('anything', '  ')).toEqual([{ text: 'anything', match: false }]);
    expect(splitMatches('你好世界', '世界')).toEqual([
      { text: '你好', match: false },
      { text: '世界', match: true },
    ]);
  });
});
