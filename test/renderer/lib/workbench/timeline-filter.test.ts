import { describe, expect, it } from 'vitest';
import { FrameTimeline } from '../../../../src/renderer/src/lib/net/frame-timeline.svelte.ts';
import { DEFAULT_FILTER, filterTimeline } from '../../../../src/renderer/src/lib/workbench/timeline-filter.ts';

function sample(): FrameTimeline {
  const t = new FrameTimeline();
  t.add({ direction: 'event', type: 'open' });
  t.add({ direction: 'out', type: 'text', text: '{"type":"ping"}', kind: 'ping', heartbeat: true });
  t.add({ direction: 'out', type: 'text', text: 'hello' });
  t.add({ direction: 'in', type: 'binary', bytes: new Uint8Array([0xca, 0xfe]) });
  return t;
}

describe('filterTimeline', () => {
  it('hides heartbeats by default and filters by direction', () => {
    const entries = sample().entries();
    const shown = filterTimeline(entries, DEFAULT_FILTER);
    expect(shown.ok && shown.entries.map((e) => e.type)).toEqual(['open', 'text', 'binary']);
    const inOnly = filterTimeline(entries, { ...DEFAULT_FILTER, out: false, events: false });
    expect(inOnly.ok && inOnly.entries.map((e) => e.direction)).toEqual(['in']);
  });

  it('matches a regex against text, hex of binary and the kind', () => {
    const entries = sample().entries();
    const cafe = filterTimeline(entries, { ...DEFAULT_FILTER, pattern: '^caf' });
    expect(cafe.ok && cafe.entries.map((e) => e.type)).toEqual(['binary']);
    const ping = filterTimeline(entries, { ...DEFAULT_FILTER, heartbeats: true, pattern: 'PING' });
    expect(ping.ok && ping.entries).toHaveLength(1);
  });

  it('reports an invalid regex instead of throwing', () => {
    const result = filterTimeline(sample().entries(), { ...DEFAULT_FILTER, pattern: '([' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/regular expression|Unterminated|Invalid/i);
  });
});
