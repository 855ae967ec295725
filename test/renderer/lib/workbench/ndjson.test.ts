import { describe, expect, it } from 'vitest';
import { FrameTimeline } from '../../../../src/renderer/src/lib/net/frame-timeline.svelte.ts';
import { exportTimeline, importTimeline } from '../../../../src/renderer/src/lib/workbench/ndjson.ts';

describe('NDJSON export and import', () => {
  it('round-trips text, binary (base64), events, sizes, kinds and heartbeats', () => {
    const t = new FrameTimeline();
    t.add({ direction: 'event', type: 'open', text: 'protocol chat' });
    t.add({ direction: 'out', type: 'text', text: 'héllo\nworld', kind: 'greeting' });
    t.add({ direction: 'in', type: 'binary', bytes: new Uint8Array([0, 255, 7]) });
    t.add({ direction: 'out', type: 'text', text: '{}', heartbeat: true });
    const text = exportTimeline(t.entries(), 'ws://x/echo', 5);
    expect(text.split('\n')[0]).toBe('{"format":"tincan-timeline","version":1,"url":"ws://x/echo","exportedAt":5}');
    const back = importTimeline(text);
    expect(back.errors).toEqual([]);
    expect(back.header?.url).toBe('ws://x/echo');
    expect(back.frames.map((f) => [f.direction, f.type, f.size, f.text ?? f.bytes, f.kind, f.heartbeat])).toEqual([
      ['event', 'open', 0, 'protocol chat', undefined, false],
      ['out', 'text', 12, 'héllo\nworld', 'greeting', false],
      ['in', 'binary', 3, new Uint8Array([0, 255, 7]), undefined, false],
      ['out', 'text', 2, '{}', undefined, true],
    ]);
  });

  it('reports bad lines by number and keeps the good ones', () => {
    const result = importTimeline(
      ['{"at":1,"dir":"out","type":"text","data":"ok"}', 'nope', '{"at":1,"dir":"up","type":"text"}', ''].join('\n'),
    );
    expect(result.frames).toHaveLength(1);
    expect(result.errors.map((e) => e.line)).toEqual([2, 3]);
  });
});
