// G. Search at a bounded cost: one room of a million messages. Search latency for one searcher
// alone, and the chat latency of two other members, first with nobody searching, then while 16
// connections search as fast as the host allows (each sends its next search when the last is
// answered, or after the wait a rate_limited asks for). The host's search budgets decide how much
// of its time goes to searching.
import type { SearchResult } from '../lib/search-job.ts';
import { searchQueries, searchRoomData } from '../lib/search-room.ts';
import {
  flagged,
  interference,
  ms,
  num,
  pct,
  ratio,
  repeat,
  table,
  type Context,
  type Row,
  type ScenarioReport,
  type Target,
} from '../lib/scenario.ts';

export async function search(ctx: Context): Promise<ScenarioReport> {
  const params = {
    messages: ctx.quick ? 20_000 : 1_000_000,
    searchers: 16,
    chatRate: 20,
    measureMs: ctx.quick ? 1000 : 5000,
    repetitions: ctx.reps,
  };
  const dataDir = searchRoomData(params.messages, ctx.log);
  const queries = searchQueries();
  const rows = await repeat(
    ctx,
    [{ case: `${params.messages.toLocaleString('en')} messages`, variant: 'tincan', label: 'Tincan', data: null }],
    async () => {
      const { result, server } = await ctx.loadgen.trial<SearchResult>(
        { kind: 'tincan', options: { dataDir, durability: 'normal', rooms: ['bench'] } },
        {
          kind: 'search',
          clients: params.searchers + 2,
          room: 'bench',
          searchers: params.searchers,
          chatRate: params.chatRate,
          queries,
          measureMs: params.measureMs,
        },
        3 * params.measureMs + 120_000,
      );
      void server;
      return {
        metrics: {
          searchP50Ms: result.searchAlone.p50Ms,
          searchP99Ms: result.searchAlone.p99Ms,
          searchMaxMs: result.searchAlone.maxMs,
          chatIdleP99Ms: result.chatIdle.p99Ms,
          chatUnderSearchP99Ms: result.chatUnderSearch.p99Ms,
          chatUnderSearchMaxMs: result.chatUnderSearch.maxMs,
          searchesPerSecond: result.searchesPerSecond,
          refusedPerSecond: result.refusedPerSecond,
        },
        loadgenCpu: result.cpu.own,
        interference: interference(result.cpu.cores, 0, result.cpu.own),
        attempts: 1,
      };
    },
  );
  const out = rows.map((row) => {
    const m = row.metrics;
    return [
      row.case,
      flagged(row, ms(m.searchP50Ms)),
      flagged(row, ms(m.searchP99Ms)),
      ms(m.searchMaxMs),
      ms(m.chatIdleP99Ms),
      flagged(row, ms(m.chatUnderSearchP99Ms)),
      ms(m.chatUnderSearchMaxMs),
      ratio(m.chatUnderSearchP99Ms! / m.chatIdleP99Ms!),
      num(m.searchesPerSecond),
      num(m.refusedPerSecond),
      pct(row.loadgenCpuMax),
    ];
  });
  return {
    id: 'G',
    title: `Search in a room of ${params.messages.toLocaleString('en')} messages, ${params.searchers} searchers against chat`,
    params,
    rows,
    table: table(
      [
        'room',
        'search p50',
        'search p99',
        'search max',
        'chat p99 idle',
        'chat p99 searched',
        'chat max searched',
        'searched ÷ idle',
        'searches/s',
        'refused/s',
        'load-gen CPU (max)',
      ],
      out,
    ),
    targets: targets(rows[0], ctx.quick),
    status: 'done',
  };
}

function targets(row: Row | undefined, quick: boolean): Target[] {
  const ok = row && !row.invalid && !row.error;
  const m = row?.metrics;
  const p99 = ok ? m!.searchP99Ms! : null;
  const chat = ok ? m!.chatUnderSearchP99Ms! / m!.chatIdleP99Ms! : null;
  const size = quick ? ', quick sizes' : '';
  return [
    {
      scenario: 'G',
      name: 'search p99, one searcher',
      goal: '≤ 20 ms on a room of 1,000,000 messages',
      value: p99,
      display: p99 === null ? 'not measured' : `${ms(p99)} ms${size}`,
      met: p99 === null ? null : p99 <= 20,
    },
    {
      scenario: 'G',
      name: 'chat p99 while 16 connections search',
      goal: '≤ 2× chat p99 with nobody searching',
      value: chat,
      display:
        chat === null
          ? 'not measured'
          : `${ratio(chat)} (${ms(m!.chatUnderSearchP99Ms)} vs ${ms(m!.chatIdleP99Ms)} ms)${size}`,
      met: chat === null ? null : chat <= 2,
    },
  ];
}
