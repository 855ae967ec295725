import { afterEach, describe, expect, it } from 'vitest';
import { FeedService, type FeedLimits } from '../../../src/main/feeds/index.ts';
import { deviceTagOf } from '../../../src/main/host/session.ts';
import type { HostFrameOf } from '../../../src/shared/protocol/index.ts';
import { startHost } from '../../helpers/host.ts';
import type { TestClient } from '../../helpers/test-client.ts';

type Message = HostFrameOf<'message'>;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(limits: Partial<FeedLimits> = {}, env: NodeJS.ProcessEnv = { PATH: process.env.PATH }) {
  const h = await startHost({}, ['ops', 'general']);
  const feeds = new FeedService({
    hub: h.host.hub,
    hostName: 'testbox',
    connections: () => h.host.connectionCount,
    limits: { restartBaseMs: 50, ...limits },
    logger: { info() {}, warn() {}, error() {} },
    env,
  });
  cleanups.push(
    () => h.stop(),
    () => feeds.close(),
  );
  return { ...h, feeds, joined: h.joined.bind(h), client: h.client.bind(h) };
}

/** Feed lines of `feed` received live by `c`, in order. */
function linesOf(c: TestClient, feed: string, stream?: string): string[] {
  return c
    .all('message')
    .filter((m) => m.kind === 'feed' && m.body?.feed === feed)
    .flatMap((m) =>
      (m.body!.lines as { text: string; stream?: string }[]).filter((l) => (l.stream ?? 'out') === (stream ?? 'out')),
    )
    .map((l) => l.text);
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('FeedService: one process shared by the room', () => {
  it('every member sees the same lines, stored as feed messages from the feed; a late joiner gets them from history', async () => {
    const { feeds, joined, client } = await setup();
    const ann = await joined('ops', 'ann');
    const bob = await joined('ops', 'bob');
    feeds.addCommand('ops', ['sh', '-c', 'for i in 1 2 3; do echo "line $i"; done; echo oops >&2; sleep 30']);
    await waitFor(() => linesOf(ann, 'sh', 'err').length === 1 && linesOf(bob, 'sh', 'err').length === 1);
    expect(linesOf(ann, 'sh')).toEqual(['line 1', 'line 2', 'line 3']);
    expect(linesOf(bob, 'sh')).toEqual(linesOf(ann, 'sh'));
    const first = ann.all('message').find((m) => m.kind === 'feed')!;
    expect(first.from).toEqual({ nick: 'sh', device: 'host', source: 'feed' });
    expect(ann.all('message').map((m) => m.seq)).toEqual(bob.all('message').map((m) => m.seq));

    const late = await client('cat');
    late.send({ type: 'join', room: 'ops', since: 0 });
    await late.next('joined');
    const history = await late.next('history');
    const replayed = history.messages
      .filter((m) => m.kind === 'feed')
      .flatMap((m) => (m.body!.lines as { text: string; stream?: string }[]).filter((l) => !l.stream))
      .map((l) => l.text);
    expect(replayed).toEqual(['line 1', 'line 2', 'line 3']);
    // The feed's state follows `joined`, with this member's own canWrite.
    const state = await late.next('feed');
    expect(state.feed).toMatchObject({
      name: 'sh',
      source: 'command',
      state: 'running',
      stdin: 'nobody',
      canWrite: false,
    });
    expect(state.feed.command).toEqual(['sh', '-c', expect.stringContaining('for i in')]);
  });

  it('shows the state to every member as it changes: finished, restarting with backoff, stopped, started, failed', async () => {
    const { feeds, joined } = await setup({ restartBaseMs: 200 });
    const ann = await joined('ops', 'ann');
    feeds.addCommand('ops', ['sh', '-c', 'echo bye; exit 7'], { name: 'flaky' });
    const restarting = await ann.next('feed', (f) => f.feed.state === 'restarting');
    expect(restarting.feed).toMatchObject({ name: 'flaky', code: 7, restarts: 0 });
    expect(restarting.feed.retryAt! - restarting.feed.since).toBe(200);
    await ann.next('feed', (f) => f.feed.state === 'running' && f.feed.restarts === 1);
    await feeds.stop('flaky');
    await ann.next('feed', (f) => f.feed.state === 'stopped');
    feeds.addCommand('ops', ['true'], { name: 'ok' });
    const finished = await ann.next('feed', (f) => f.feed.name === 'ok' && f.feed.state === 'finished');
    expect(finished.feed.code).toBe(0);
    await waitFor(() => linesOf(ann, 'flaky', 'sys').includes('stopped by the operator'));
    expect(linesOf(ann, 'flaky', 'sys')).toContain('exited with code 7; restarting in 200 ms');
    expect(linesOf(ann, 'flaky')[0]).toBe('bye');
    // A program that is not there is said once and not restarted.
    feeds.addCommand('ops', ['no-such-command-xyz'], { name: 'missing' });
    const failed = await ann.next('feed', (f) => f.feed.name === 'missing' && f.feed.state === 'failed');
    expect(failed.feed).toMatchObject({ error: 'ENOENT', restarts: 0 });
    expect(failed.feed.retryAt).toBeUndefined();
    await waitFor(() =>
      linesOf(ann, 'missing', 'sys').some((l) => l.startsWith('command not found: no-such-command-xyz')),
    );
  });

  it('runs the command with the documented environment only', async () => {
    const { feeds, joined } = await setup(
      {},
      { PATH: process.env.PATH, HOME: '/root', LC_TIME: 'C', SECRET_TOKEN: 'leak' },
    );
    const ann = await joined('ops', 'ann');
    feeds.addCommand('ops', ['env']);
    await ann.next('feed', (f) => f.feed.state === 'finished');
    await waitFor(() => linesOf(ann, 'env', 'sys').includes('finished (exit code 0)'));
    expect(linesOf(ann, 'env').sort()).toEqual(
      [
        `PATH=${process.env.PATH}`,
        'HOME=/root',
        'LC_TIME=C',
        'TERM=xterm-256color',
        'TINCAN_FEED=env',
        'TINCAN_ROOM=ops',
        'TINCAN_HOST=testbox',
      ].sort(),
    );
  });

  it('prints markup and escape sequences as text: an XSS payload stays a string, only SGR colours remain', async () => {
    const { feeds, joined } = await setup();
    const ann = await joined('ops', 'ann');
    const payload = '<img src=x onerror=alert(1)>\\033]0;title\\007\\033[31mred\\033[0m\\033[2J';
    feeds.addCommand('ops', ['printf', `${payload}\\n`]);
    await waitFor(() => linesOf(ann, 'printf').length === 1);
    expect(linesOf(ann, 'printf')).toEqual(['<img src=x onerror=alert(1)>\u001b[31mred\u001b[0m']);
    const message = ann.all('message').find((m) => m.body?.lines && linesOf(ann, 'printf').length)!;
    expect(ann.all('message').some((m) => m.text.includes('<img src=x onerror=alert(1)>red'))).toBe(true);
    expect(message).toBeDefined();
  });
});

describe('FeedService: stdin from members', () => {
  async function withCat(stdin: 'nobody' | 'everyone' | 'members', allowed: string[] = []) {
    const s = await setup();
    const ann = await s.joined('ops', 'ann', 'device-ann-0000');
    const bob = await s.joined('ops', 'bob', 'device-bob-0000');
    s.feeds.addCommand('ops', ['sh', '-c', 'while read l; do echo "got $l"; done'], { name: 'repl', stdin, allowed });
    await ann.next('feed', (f) => f.feed.state === 'running');
    await bob.next('feed', (f) => f.feed.state === 'running');
    return { ...s, ann, bob };
  }

  it('a process that does not read its stdin makes typing wait (rate_limited), instead of growing the host', async () => {
    const s = await setup({}, { PATH: process.env.PATH });
    const ann = await s.joined('ops', 'ann', 'device-ann-0000');
    s.feeds.addCommand('ops', ['sleep', '30'], { name: 'deaf', stdin: 'everyone' });
    await ann.next('feed', (f) => f.feed.state === 'running');
    const line = 'y'.repeat(1000);
    let refused;
    for (let i = 0; i < 400 && !refused; i++) {
      const ref = `l${i}`;
      ann.send({ type: 'feed-input', ref, room: 'ops', feed: 'deaf', id: ref, text: line });
      const reply = await ann.nextWhere((f) => (f.type === 'ack' || f.type === 'error') && f.ref === ref, 10_000);
      if (reply.type !== 'error') continue;
      // The frame budget (no room named) only asks to slow down; the stdin backlog names the room.
      if (reply.room === 'ops') refused = reply;
      else {
        await new Promise((r) => setTimeout(r, reply.retryAfterMs ?? 50));
        i--;
      }
    }
    // The pipe takes 64 KiB, then the host holds at most MAX_STDIN_BACKLOG_BYTES more.
    expect(refused).toMatchObject({ code: 'rate_limited', room: 'ops', retryAfterMs: 1000 });
  }, 30_000);

  it('nobody (the default): every line is refused with feed_input_denied, nothing stored', async () => {
    const { ann } = await withCat('nobody');
    ann.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'in-1', text: 'hello' });
    expect(await ann.next('error')).toMatchObject({ code: 'feed_input_denied', room: 'ops', id: 'in-1' });
    expect(ann.all('message').filter((m) => m.from.source !== 'feed')).toEqual([]);
  });

  it('everyone: a line is stored with who typed it, acked, written once, and its output follows', async () => {
    const { ann, bob } = await withCat('everyone');
    expect(bob.all('feed').at(-1)!.feed.canWrite).toBe(true);
    ann.send({ type: 'feed-input', ref: 'r1', room: 'ops', feed: 'repl', id: 'in-1', text: 'ls; rm -rf / $(id)' });
    const ack = await ann.next('ack', (a) => a.id === 'in-1');
    expect(ack).toMatchObject({ ref: 'r1', duplicate: false });
    const typed = (await bob.next('message', (m) => m.from.source === undefined)) as Message;
    expect(typed).toMatchObject({
      seq: ack.seq,
      kind: 'feed',
      text: '> ls; rm -rf / $(id)',
      from: { nick: 'ann', device: deviceTagOf('device-ann-0000') },
      body: { feed: 'repl', lines: [{ text: 'ls; rm -rf / $(id)', stream: 'in' }] },
    });
    await waitFor(() => linesOf(bob, 'repl').includes('got ls; rm -rf / $(id)'));
    // A retry of the same id is acked as a duplicate and not written again.
    ann.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'in-1', text: 'ls; rm -rf / $(id)' });
    expect(await ann.next('ack', (a) => a.id === 'in-1')).toMatchObject({ seq: ack.seq, duplicate: true });
    bob.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'in-2', text: 'two' });
    await waitFor(() => linesOf(ann, 'repl').includes('got two'));
    expect(linesOf(ann, 'repl').filter((l) => l.startsWith('got ls'))).toHaveLength(1);
  });

  it('members: only the chosen device tags may type; changing the rights tells each member its own canWrite', async () => {
    const { ann, bob, feeds } = await withCat('members', [deviceTagOf('device-ann-0000')]);
    expect(ann.all('feed').at(-1)!.feed).toMatchObject({ stdin: 'members', canWrite: true });
    expect(bob.all('feed').at(-1)!.feed).toMatchObject({ stdin: 'members', canWrite: false });
    bob.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'b-1', text: 'nope' });
    expect(await bob.next('error')).toMatchObject({ code: 'feed_input_denied' });
    ann.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'a-1', text: 'yes' });
    await ann.next('ack', (a) => a.id === 'a-1');
    feeds.setStdin('repl', 'nobody');
    expect((await ann.next('feed', (f) => f.feed.stdin === 'nobody')).feed.canWrite).toBe(false);
    ann.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'a-2', text: 'late' });
    expect(await ann.next('error')).toMatchObject({ code: 'feed_input_denied', id: 'a-2' });
  });

  it('refuses a feed that is not running, a feed not in the room, and a room not joined', async () => {
    const { ann, feeds, client } = await withCat('everyone');
    await feeds.stop('repl');
    ann.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'x-1', text: 'hi' });
    expect(await ann.next('error')).toMatchObject({ code: 'feed_not_running' });
    ann.send({ type: 'feed-input', room: 'ops', feed: 'nope', id: 'x-2', text: 'hi' });
    expect(await ann.next('error')).toMatchObject({ code: 'feed_not_found' });
    const outsider = await client('eve');
    outsider.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'x-3', text: 'hi' });
    expect(await outsider.next('error')).toMatchObject({ code: 'not_joined' });
    ann.send({ type: 'feed-input', room: 'ops', feed: 'repl', id: 'x-4', text: 'two\nlines' });
    expect(await ann.next('error')).toMatchObject({ code: 'invalid_frame' });
  });

  it('refuses a lone surrogate, a C1 control and a bidi override with invalid_frame: nothing stored, nothing written', async () => {
    const { ann, bob } = await withCat('everyone');
    for (const [i, text] of ['\ud800', 'a\udc00b', 'a\u009bb', 'a\u0085b', 'a\u202eb', 'a\u2066b'].entries()) {
      ann.send({ type: 'feed-input', ref: `bad-${i}`, room: 'ops', feed: 'repl', id: `bad-${i}`, text });
      const reply = await ann.nextWhere((f) => 'ref' in f && f.ref === `bad-${i}`);
      expect(reply, JSON.stringify(text)).toMatchObject({ type: 'error', code: 'invalid_frame' });
    }
    // What chat text allows is still a line: tab, the marks LRM/RLM, a character outside the BMP.
    const fine = 'a\tb \u200f😀';
    ann.send({ type: 'feed-input', ref: 'ok', room: 'ops', feed: 'repl', id: 'ok', text: fine });
    expect(await ann.next('ack', (a) => a.ref === 'ok')).toMatchObject({ duplicate: false });
    await waitFor(() => linesOf(bob, 'repl').includes(`got ${fine}`));
    expect(bob.all('message').filter((m) => m.from.source === undefined)).toHaveLength(1);
  });
});

describe('FeedService: floods, slow viewers and retention', () => {
  it('a flood is coalesced into batches and held to the line budget; the rest is counted as skipped; chat stays quick', async () => {
    const { feeds, joined } = await setup({ linesPerSecond: 2000, linesBurst: 2000, maxPendingLines: 1000 });
    const ann = await joined('ops', 'ann');
    const chat = await joined('general', 'bob');
    const feed = feeds.addCommand('ops', ['yes', 'flood']);
    await waitFor(() => feed.counts.dropped > 50_000, 10_000);
    // Chat in another room still answers quickly while the flood runs.
    const started = performance.now();
    chat.send({ type: 'send', room: 'general', id: 'c-1', text: 'still here' });
    await chat.next('ack', (a) => a.id === 'c-1');
    expect(performance.now() - started).toBeLessThan(500);
    await feeds.stop('yes');
    await waitFor(() => linesOf(ann, 'yes', 'sys').includes('stopped by the operator'));
    const batches = ann.all('message').filter((m) => m.body?.feed === 'yes');
    const lines = batches.reduce((n, m) => n + (m.body!.lines as unknown[]).length, 0);
    const skipped = batches.reduce((n, m) => n + ((m.body!.skipped as number | undefined) ?? 0), 0);
    expect(batches.every((m) => (m.body!.lines as unknown[]).length <= 500)).toBe(true);
    expect(skipped).toBeGreaterThan(50_000);
    expect(skipped).toBe(feed.counts.dropped);
    expect(lines).toBe(feed.counts.stored);
    // ~2000/s plus the burst, over the few seconds the flood ran: bounded by the budget, not by the flood.
    expect(lines).toBeLessThan(2000 + 2000 * 10);
    expect(batches.find((m) => m.body!.skipped)!.text).toMatch(/^\[\d+ lines skipped\]/);
  });

  it('a viewer that stops reading is skipped instead of queued, and is told what it missed once it drains', async () => {
    const { feeds, joined } = await setup({
      viewerMaxQueuedBytes: 256 * 1024,
      linesPerSecond: 20_000,
      linesBurst: 20_000,
    });
    const slow = await joined('ops', 'slow');
    const fast = await joined('ops', 'fast');
    const long = 'x'.repeat(1000);
    const feed = feeds.addCommand('ops', ['yes', long]);
    // The slow viewer stops reading: its socket fills, then the host's queue for it.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    await waitFor(() => feed.counts.stored > 40_000, 20_000);
    await feeds.stop('yes');
    // The stream is over once the fast viewer has the stop line; only then does the slow one read again.
    await waitFor(() => linesOf(fast, 'yes', 'sys').includes('stopped by the operator'), 20_000);
    const last = Math.max(...fast.all('message').map((m) => m.seq));
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const skipped = await slow.next('skipped', () => true, 20_000);
    expect(skipped).toMatchObject({ room: 'ops', feed: 'yes' });
    expect(skipped.lines).toBeGreaterThan(1000);
    expect(skipped.to).toBeGreaterThanOrEqual(skipped.from);
    expect(slow.ws.readyState).toBe(slow.ws.OPEN); // not dropped as a slow consumer
    // What it missed is exactly the batches it was not sent (in the ranges it was told of); the
    // fast viewer got them all. The slow one reads until it has everything up to the last seq.
    const ranges = () => slow.all('skipped').map((k) => [k.from, k.to] as const);
    const accounted = (seq: number) =>
      slow.all('message').some((m) => m.seq === seq) || ranges().some(([from, to]) => seq >= from && seq <= to);
    await waitFor(() => accounted(last), 20_000);
    const got = new Set(slow.all('message').map((m) => m.seq));
    const missed = fast.all('message').filter((m) => !got.has(m.seq));
    expect(missed.length).toBeGreaterThan(0);
    expect(missed.every((m) => ranges().some(([from, to]) => m.seq >= from && m.seq <= to))).toBe(true);
    expect(fast.all('skipped')).toEqual([]);
  });

  it(`keeps the newest retainLines lines of each feed in history, and other messages`, async () => {
    const { feeds, joined } = await setup({ retainLines: 50, batchMs: 1 });
    const ann = await joined('ops', 'ann');
    ann.send({ type: 'send', room: 'ops', id: 'keep-1', text: 'chat stays' });
    await ann.next('ack');
    const feed = feeds.addCommand('ops', ['sh', '-c', 'for i in $(seq 1 400); do echo $i; sleep 0.001; done']);
    await ann.next('feed', (f) => f.feed.state === 'finished', 15_000);
    await waitFor(() => feed.counts.stored >= 402);
    await new Promise((r) => setTimeout(r, 50));
    ann.send({ type: 'history', room: 'ops', limit: 500 });
    const page = await ann.next('history');
    const kept = page.messages.filter((m) => m.kind === 'feed').flatMap((m) => m.body!.lines as { text: string }[]);
    expect(kept.length).toBeGreaterThanOrEqual(50);
    expect(kept.length).toBeLessThan(50 + 20);
    expect(kept.at(-1)!.text).toBe('finished (exit code 0)');
    expect(page.messages.some((m) => m.id === 'keep-1')).toBe(true);
  });
});

describe('FeedService: host metrics', () => {
  it('posts one JSON line of host metrics per interval to the room, charted by the client', async () => {
    const { feeds, joined } = await setup({ metricsIntervalMs: 100 });
    const ann = await joined('ops', 'ann');
    feeds.enableMetrics('ops');
    const state = await ann.next('feed', (f) => f.feed.name === 'host-metrics');
    expect(state.feed).toMatchObject({ source: 'metrics', state: 'running', stdin: 'nobody', canWrite: false });
    await waitFor(() => linesOf(ann, 'host-metrics').length >= 3);
    const sample = JSON.parse(linesOf(ann, 'host-metrics')[0]!) as Record<string, number>;
    expect(Object.keys(sample)).toEqual(expect.arrayContaining(['cpu', 'mem', 'rss', 'connections', 'messages']));
    expect(sample.connections).toBe(1);
    for (const value of Object.values(sample)) expect(typeof value).toBe('number');
    expect(() => feeds.enableMetrics('general')).toThrow(/already go to room ops/);
    expect(() => feeds.setStdin('host-metrics', 'everyone')).toThrow(/no standard input/);
  });
});
