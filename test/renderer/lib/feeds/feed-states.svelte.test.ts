import { describe, expect, it } from 'vitest';
import { FeedStates } from '../../../../src/renderer/src/lib/feeds/feed-states.svelte.ts';
import type { FeedInfo } from '../../../../src/shared/protocol/index.ts';

const info = (name: string, state: FeedInfo['state'], extra: Partial<FeedInfo> = {}): FeedInfo => ({
  name,
  source: 'command',
  command: ['sh'],
  state,
  restarts: 0,
  since: 1,
  stdin: 'nobody',
  canWrite: false,
  ...extra,
});

describe('FeedStates.lastChange (what the feed bar announces)', () => {
  it('says nothing of the feeds as first named, then each change of state, numbered', () => {
    const feeds = new FeedStates();
    feeds.update({ type: 'feed', room: 'ops', feed: info('sh', 'running') });
    feeds.update({ type: 'feed', room: 'ops', feed: info('tail', 'running') });
    expect(feeds.lastChange('ops')).toBeUndefined();
    // A new pid, same state: not a change worth reading out.
    feeds.update({ type: 'feed', room: 'ops', feed: info('sh', 'running', { pid: 9 }) });
    expect(feeds.lastChange('ops')).toBeUndefined();
    feeds.update({ type: 'feed', room: 'ops', feed: info('sh', 'restarting', { error: 'ENOENT' }) });
    const failed = feeds.lastChange('ops')!;
    expect(failed.feed).toMatchObject({ name: 'sh', state: 'restarting', error: 'ENOENT' });
    feeds.update({ type: 'feed', room: 'ops', feed: info('sh', 'running') });
    feeds.update({ type: 'feed', room: 'ops', feed: info('sh', 'restarting', { error: 'ENOENT' }) });
    // A feed that cannot start stays `restarting`, counting its restarts: each is a new failure.
    const again = feeds.lastChange('ops')!.n;
    feeds.update({ type: 'feed', room: 'ops', feed: info('sh', 'restarting', { error: 'ENOENT', restarts: 1 }) });
    expect(feeds.lastChange('ops')!.n).toBe(again + 1);
    feeds.update({ type: 'feed', room: 'ops', feed: info('sh', 'restarting', { error: 'ENOENT', restarts: 1 }) });
    expect(feeds.lastChange('ops')!.n).toBe(again + 1);
    // Failed again: the same words, a new announcement.
    expect(feeds.lastChange('ops')!.feed.state).toBe('restarting');
    expect(feeds.lastChange('ops')!.n).toBeGreaterThan(failed.n + 1);
    expect(feeds.lastChange('other')).toBeUndefined();
  });
});
