// Renderer benchmark page: a room of N messages drawn by Tincan's virtualized list or by a plain
// {#each}, measuring time to first frame, DOM size, and long tasks while 100 messages/s arrive.
import { flushSync, mount } from 'svelte';
import '../../src/renderer/src/app.css';
import MessageList from '../../src/renderer/src/components/MessageList.svelte';
import { RoomState } from '../../src/renderer/src/lib/chat/room-state.svelte.ts';
import { env } from './env.ts';
import type { StoredMessage } from '../../src/shared/protocol/index.ts';
import PlainList from './PlainList.svelte';
import TanstackList from './TanstackList.svelte';
import VirtuaList from './VirtuaList.svelte';
import type { RendererResult } from './result.ts';

const params = new URLSearchParams(location.search);
const MODES = ['virtual', 'plain', 'virtua', 'tanstack'] as const;
const mode = MODES.find((m) => m === params.get('mode')) ?? 'virtual';
const count = Number(params.get('count') ?? 100_000);
const streamMs = Number(params.get('streamMs') ?? 5000);

const words = [
  'deploy',
  'lunch',
  'build',
  'green',
  'server',
  'coffee',
  'review',
  'ship',
  'ok',
  'https://example.com/x',
];
/** Rows of varied height: one line mostly, some of several lines, some with a word too long to fit. */
function message(seq: number): StoredMessage {
  let text = Array.from({ length: 4 + (seq % 17) }, (_, i) => words[(seq * 7 + i) % words.length]).join(' ');
  if (seq % 5 === 0) text += '\nsecond line\nthird line';
  if (seq % 11 === 0) text += ' ' + 'x'.repeat(300);
  return {
    seq,
    id: `m${seq}`,
    from: { nick: `user${seq % 13}`, device: `d${seq % 13}` },
    kind: 'text',
    text,
    ts: 1_700_000_000_000 + seq * 1000,
  };
}

const room = new RoomState('bench');
room.markJoined(count, []);
room.insert(Array.from({ length: count }, (_, i) => message(i + 1)));

const longTasks: PerformanceEntry[] = [];
new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: false });

const nextFrame = () =>
  new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
const target = document.getElementById('app')!;

const start = performance.now();
if (mode === 'virtual') {
  mount(MessageList, {
    target,
    props: {
      room,
      myDevice: 'me',
      outgoing: [],
      online: true,
      env,
      onLoadOlder: () => {},
      onRetry: () => {},
      onDiscard: () => {},
    },
  });
} else if (mode === 'virtua') {
  mount(VirtuaList, { target, props: { room } });
} else if (mode === 'tanstack') {
  mount(TanstackList, { target, props: { room } });
} else {
  mount(PlainList, { target, props: { room } });
}
flushSync();
await nextFrame();
const firstFrameMs = performance.now() - start;
const domNodes = document.querySelectorAll('*').length;
longTasks.length = 0;

// 100 messages per second arrive while the list follows the bottom. Every frame, the gap between
// the newest row and the bottom of the viewport is sampled: a list that follows keeps it at 0.
const viewport = document.querySelector<HTMLElement>('.viewport')!;
const gap = () => Math.max(0, viewport.scrollHeight - viewport.scrollTop - viewport.clientHeight);
let maxGapPx = 0;
let sampling = true;
// Sampled just after each frame is painted (a task queued from requestAnimationFrame runs after
// the paint), so what is measured is what the reader saw, whatever order the lists' own frame
// callbacks run in.
const sample = () => {
  setTimeout(() => {
    maxGapPx = Math.max(maxGapPx, gap());
    if (sampling) requestAnimationFrame(sample);
  }, 0);
};
let seq = count;
let arrivals = 0;
await nextFrame();
requestAnimationFrame(sample);
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    room.insert([message(++seq)]);
    arrivals++;
  }, 10);
  setTimeout(() => {
    clearInterval(timer);
    resolve();
  }, streamMs);
});
await nextFrame();
await nextFrame();
sampling = false;
const endGapPx = gap();

const result: RendererResult = {
  mode,
  count,
  firstFrameMs,
  domNodes,
  longTasks: longTasks.length,
  longTaskMs: longTasks.reduce((sum, e) => sum + e.duration, 0),
  arrivals,
  maxGapPx,
  endGapPx,
};
(window as unknown as { __result: RendererResult }).__result = result;
