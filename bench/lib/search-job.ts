// The load generator's search job (scenario G): a room of many messages; chat latency between two
// members, first alone, then while `searchers` connections search as fast as the host allows; and
// the latency of one searcher's searches on their own. Uses the `ws` client: a few dozen
// connections, not throughput, so the plain client is fast enough and easy to read.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { cpuWindow, type CpuWindow } from './cpu.ts';
import { percentile } from './stats.ts';
import { joinAs } from './ws-member.ts';

export interface SearchJob {
  kind: 'search';
  flavor: 'tincan';
  port: number;
  clients: number;
  room: string;
  searchers: number;
  /** Chat messages per second the sender sends. */
  chatRate: number;
  queries: string[];
  measureMs: number;
}

export interface PhaseLatency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  count: number;
}

export interface SearchResult {
  kind: 'search';
  /** Chat latency (send → the other member has it) with nobody searching. */
  chatIdle: PhaseLatency;
  /** The same while the searchers search. */
  chatUnderSearch: PhaseLatency;
  /** One searcher alone: time from `search` to `results`. */
  searchAlone: PhaseLatency;
  /** Searches answered per second, and refused (rate_limited) per second, while all searchers ran. */
  searchesPerSecond: number;
  refusedPerSecond: number;
  cpu: CpuWindow;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summarize(values: number[]): PhaseLatency {
  values.sort((a, b) => a - b);
  return {
    p50Ms: percentile(values, 50),
    p99Ms: percentile(values, 99),
    maxMs: values.length ? values[values.length - 1]! : NaN,
    count: values.length,
  };
}

/** A greeted member of `room`, with a handler for every frame after `joined`. */
async function member(port: number, room: string, nick: string, onFrame: (f: Record<string, unknown>) => void) {
  return (await joinAs(port, room, nick, onFrame)).ws;
}

export async function searchJob(job: SearchJob): Promise<SearchResult> {
  const sentAt = new Map<string, number>();
  let chat: number[] = [];
  const receiver = await member(job.port, job.room, 'receiver', (f) => {
    if (f.type !== 'message') return;
    const at = sentAt.get(f.id as string);
    if (at !== undefined) chat.push(performance.now() - at);
  });
  const sender = await member(job.port, job.room, 'sender', () => {});
  let n = 0;
  // The room is kept between runs: ids unique to this run, or every send would be a stored retry.
  const run = Date.now().toString(36);
  const chatTimer = setInterval(() => {
    const id = `c${run}-${n++}`;
    sentAt.set(id, performance.now());
    sender.send(JSON.stringify({ type: 'send', room: job.room, id, text: `chat line ${n}` }));
  }, 1000 / job.chatRate);

  // 1. Chat with nobody searching.
  await sleep(job.measureMs);
  const chatIdle = summarize(chat);

  // 2. One searcher alone (chat goes on, its latency not counted).
  const alone: number[] = [];
  await runSearchers(
    job,
    1,
    job.measureMs,
    (ms) => alone.push(ms),
    () => {},
  );

  // 3. Chat while every searcher searches as fast as it is allowed.
  chat = [];
  let answered = 0;
  let refused = 0;
  const stopCpu = cpuWindow();
  await runSearchers(
    job,
    job.searchers,
    job.measureMs,
    () => answered++,
    () => refused++,
  );
  const cpu = stopCpu();
  const chatUnderSearch = summarize(chat);

  clearInterval(chatTimer);
  sender.close();
  receiver.close();
  return {
    kind: 'search',
    chatIdle,
    chatUnderSearch,
    searchAlone: summarize(alone),
    searchesPerSecond: (answered / cpu.wallMs) * 1000,
    refusedPerSecond: (refused / cpu.wallMs) * 1000,
    cpu,
  };
}

/**
 * `count` connections, each sending its next search when the last is answered, or after the wait
 * a `rate_limited` asks for; for `ms`.
 */
async function runSearchers(
  job: SearchJob,
  count: number,
  ms: number,
  onAnswer: (latencyMs: number) => void,
  onRefused: () => void,
): Promise<void> {
  let running = true;
  const sockets = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      let q = i;
      let askedAt = 0;
      // Set once connected; `ask` runs only after that.
      const self: { ws?: WebSocket } = {};
      const ask = () => {
        const ws = self.ws;
        if (!running || !ws || ws.readyState !== WebSocket.OPEN) return;
        askedAt = performance.now();
        ws.send(
          JSON.stringify({ type: 'search', room: job.room, query: job.queries[q++ % job.queries.length], limit: 20 }),
        );
      };
      const ws = await member(job.port, job.room, `searcher${i}`, (f) => {
        if (f.type === 'results') {
          onAnswer(performance.now() - askedAt);
          ask();
        } else if (f.type === 'error' && f.code === 'rate_limited') {
          onRefused();
          setTimeout(ask, Number(f.retryAfterMs ?? 100));
        }
      });
      self.ws = ws;
      return { ws, ask };
    }),
  );
  for (const s of sockets) s.ask();
  await sleep(ms);
  running = false;
  for (const s of sockets) s.ws.close();
}
