import { describe, expect, it } from 'vitest';
import { ansiSpans, spanStyle } from '../../../../src/renderer/src/lib/feeds/ansi-spans.ts';
import {
  alignedData,
  feedCharts,
  feedPoints,
  MAX_SERIES,
  MIN_CHART_POINTS,
  numbersOf,
} from '../../../../src/renderer/src/lib/feeds/series.ts';
import type { StoredMessage } from '../../../../src/shared/protocol/index.ts';

describe('numbersOf', () => {
  it('reads numeric fields of a JSON object and key=value numbers; nothing else', () => {
    expect(numbersOf('{"cpu":12.5,"mem":40,"host":"a","ok":true}')).toEqual({ cpu: 12.5, mem: 40 });
    expect(numbersOf('cpu=12.5 mem=-4e2, load.1=0.5; name=box')).toEqual({ cpu: 12.5, mem: -400, 'load.1': 0.5 });
    expect(numbersOf('{"a":"x"}')).toBeNull();
    expect(numbersOf('[1,2]')).toBeNull();
    expect(numbersOf('{broken')).toBeNull();
    expect(numbersOf('plain text')).toBeNull();
    expect(numbersOf('a=1x')).toBeNull();
  });
});

describe('feedPoints and alignedData', () => {
  const message = (seq: number, ts: number, feed: string, lines: string[]): StoredMessage => ({
    seq,
    id: `m${seq}`,
    from: { nick: feed, device: 'host', source: 'feed' },
    kind: 'feed',
    text: lines.join('\n'),
    body: { feed, lines: lines.map((text) => ({ text })) },
    ts,
  });

  it('collects each feed’s points within the window, oldest first, one series per field', () => {
    const messages = [
      message(1, 1000, 'm', ['{"a":1}']),
      message(2, 61_000, 'm', ['{"a":2,"b":3}', 'not a number']),
      { ...message(3, 62_000, 'other', []), kind: 'text', body: undefined },
      message(4, 63_000, 'm', ['\u001b[32ma=4\u001b[0m']),
    ];
    const feeds = feedPoints(messages, 60);
    expect([...feeds.keys()]).toEqual(['m']);
    const { fields, data } = alignedData(feeds.get('m')!);
    expect(fields).toEqual(['a', 'b']);
    expect(data).toEqual([
      [61, 63],
      [2, 4],
      [3, null],
    ]);
  });

  it(`charts at most MAX_SERIES (${MAX_SERIES}) fields`, () => {
    const wide = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, i]));
    const { fields } = alignedData(feedPoints([message(1, 1000, 'w', [JSON.stringify(wide)])], 0).get('w')!);
    expect(fields).toHaveLength(MAX_SERIES);
  });
});

describe('feedCharts', () => {
  const line = (seq: number, ts: number, feed: string, text: string): StoredMessage => ({
    seq,
    id: `m${seq}`,
    from: { nick: feed, device: 'host', source: 'feed' },
    kind: 'feed',
    text,
    body: { feed, lines: [{ text }] },
    ts,
  });

  it('keeps the charts in feed-name order whichever feed printed last (they swapped places at each line)', () => {
    const messages = [
      line(1, 1000, 'sh', 'cpu=1'),
      line(2, 2000, 'host-metrics', '{"cpu":5}'),
      line(3, 3000, 'sh', 'cpu=2'),
      line(4, 4000, 'host-metrics', '{"cpu":6}'),
    ];
    expect(feedCharts(messages, 0).map((c) => c.name)).toEqual(['host-metrics', 'sh']);
    expect(feedCharts([...messages, line(5, 5000, 'sh', 'cpu=3')], 0).map((c) => c.name)).toEqual([
      'host-metrics',
      'sh',
    ]);
    expect(feedCharts(messages, 0)[0]).toMatchObject({
      fields: ['cpu'],
      data: [
        [2, 4],
        [5, 6],
      ],
    });
  });

  it(`charts a feed once ${MIN_CHART_POINTS} of its lines in the window hold numbers`, () => {
    expect(feedCharts([line(1, 1000, 'a', 'x=1')], 0)).toEqual([]);
    expect(feedCharts([line(1, 1000, 'a', 'x=1'), line(2, 2000, 'a', 'x=2')], 1.5)).toEqual([]);
    expect(feedCharts([line(1, 1000, 'a', 'x=1'), line(2, 2000, 'a', 'x=2')], 0)).toHaveLength(1);
  });
});

describe('ansiSpans', () => {
  it('turns SGR codes into styled spans and keeps markup as text', () => {
    const spans = ansiSpans('\u001b[1;31m<b>red</b>\u001b[0m plain');
    expect(spans).toEqual([{ text: '<b>red</b>', color: 'rgb(187, 0, 0)', bold: true }, { text: ' plain' }]);
    expect(spanStyle(spans[0]!)).toBe('color:rgb(187, 0, 0);font-weight:700');
    expect(spanStyle(spans[1]!)).toBeUndefined();
    expect(ansiSpans('\u001b[38;2;1;2;3;4munder')).toEqual([{ text: 'under', color: 'rgb(1, 2, 3)', underline: true }]);
    expect(ansiSpans('no codes')).toEqual([{ text: 'no codes' }]);
  });
});
