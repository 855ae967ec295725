// Renderer benchmark page: a room of N messages drawn by Tincan's virtualized list or by a plain
// {#each}, measuring time to first frame, DOM size, and long tasks while 100 messages/s arrive.
import { flushSync, mount } from 'svelte';
import '../../src/renderer/src/app.css';
import MessageList from '../../src/renderer/src/components/MessageList.svelte';
import { RoomState } from '../../src/renderer/src/lib/chat/room-state.svelte.ts';
import { Locale } from '../../src/renderer/src/lib/i18n/locale.svelte.ts';
import type { StoredMessage } from '../../src/shared/protocol/index.ts';
import PlainList from './PlainList.svelte';
import type { RendererResult } from './result.ts';

const params = new URLSearchParams(location.search);
const mode = params.get('mode') === 'plain' ? 'plain' : 'virtual';
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
function message(seq: number): StoredMessage {
  const text = Array.from({ length: 4 + (seq % 17) }, (_, i) => words[(seq * 7 + i) % words.length]).join(' ');
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
const t = new Locale().t;

const start = performance.now();
if (mode === 'virtual') {
  mount(MessageList, {
    target,
    props: {
      room,
      myDevice: 'me',
      myNick: 'me',
      outgoing: [],
      online: true,
      t,
      onOpenLink: () => {},
      onLoadOlder: () => {},
      onRetry: () => {},
      onDiscard: () => {},
    },
  });
} else {
  mount(PlainList, { target, props: { room } });
}
flushSync();
await nextFrame();
const firstFrameMs = performance.now() - start;
const domNodes = document.querySelectorAll('*').length;
longTasks.length = 0;

// 100 messages per second arrive while the list follows the bottom.
let seq = count;
let arrivals = 0;
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

const result: RendererResult = {
  mode,
  count,
  firstFrameMs,
  domNodes,
  longTasks: longTasks.length,
  longTaskMs: longTasks.reduce((sum, e) => sum + e.duration, 0),
  arrivals,
};
(window as unknown as { __result: RendererResult }).__result = result;
