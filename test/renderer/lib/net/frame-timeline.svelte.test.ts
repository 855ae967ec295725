import { describe, expect, it } from 'vitest';
import { FrameTimeline } from '../../../../src/renderer/src/lib/net/frame-timeline.svelte.ts';

describe('FrameTimeline', () => {
  it('keeps the newest entries within the count cap, oldest first', () => {
    const timeline = new FrameTimeline({ maxEntries: 3 });
    for (let i = 1; i <= 5; i++) timeline.add({ direction: 'in', type: 'text', text: `m${i}` });
    expect(timeline.entries().map((e) => e.text)).toEqual(['m3', 'm4', 'm5']);
    expect(timeline.dropped).toBe(2);
  });

  it('cuts big data but keeps the true size in bytes, and holds no more than the byte cap', () => {
    const timeline = new FrameTimeline({ maxKeptBytes: 10, maxTotalBytes: 100 });
    const entry = timeline.add({ direction: 'out', type: 'text', text: '世'.repeat(10) }); // 30 bytes
    expect(entry).toMatchObject({ size: 30, truncated: true, text: '世世世' }); // cut on a character
    for (let i = 0; i < 50; i++) timeline.add({ direction: 'in', type: 'binary', bytes: new Uint8Array(10) });
    expect(timeline.heldBytes).toBeLessThanOrEqual(100);
    expect(timeline.length).toBe(10);
  });

  it('stays bounded over many entries (compacts its ring)', () => {
    const timeline = new FrameTimeline({ maxEntries: 100 });
    for (let i = 0; i < 10_000; i++) timeline.add({ direction: 'in', type: 'text', text: String(i) });
    expect(timeline.length).toBe(100);
    expect(timeline.entries()[0]!.text).toBe('9900');
  });

  it('hands out a new array on each change and empties on clear', () => {
    const timeline = new FrameTimeline();
    const before = timeline.entries();
    timeline.add({ direction: 'event', type: 'open' });
    expect(timeline.entries()).not.toBe(before);
    timeline.clear();
    expect(timeline.entries()).toEqual([]);
  });
});
