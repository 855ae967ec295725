// B. Latency: a fixed rate of chat messages (100/s, open loop) into a room of 1000 clients. Per
// message, the time from the send until the last of the recipients has it; p50 and p99 over the
// messages of the window. The server reports its own event-loop delay over the same window.
import type { RoomResult } from '../lib/loadgen.ts';
import {
  flagged,
  interference,
  ms,
  pct,
  ratio,
  repeat,
  table,
  type Context,
  type Row,
  type ScenarioReport,
  type Target,
} from '../lib/scenario.ts';
import { SERVERS } from './fanout.ts';

export async function latency(ctx: Context): Promise<ScenarioReport> {
  const params = {
    clients: ctx.quick ? 20 : 1000,
    senders: ctx.quick ? 2 : 10,
    ratePerSecond: 100,
    textBytes: 100,
    warmupMs: ctx.quick ? 200 : 1000,
    measureMs: ctx.quick ? 500 : 10_000,
    repetitions: ctx.reps,
  };
  const rows = await repeat(
    ctx,
    SERVERS.map((s) => ({ case: `${params.clients} clients`, variant: s.kind, label: s.label, data: s.kind })),
    async ({ data: kind }) => {
      const { result, server } = await ctx.loadgen.trial<RoomResult>(
        { kind },
        {
          kind: 'room',
          clients: params.clients,
          senders: params.senders,
          textBytes: params.textBytes,
          load: { rate: params.ratePerSecond },
          warmupMs: params.warmupMs,
          measureMs: params.measureMs,
        },
        60_000,
      );
      const end = server.end!;
      return {
        metrics: {
          p50Ms: result.latency.p50Ms,
          p99Ms: result.latency.p99Ms,
          maxMs: result.latency.maxMs,
          unfinished: result.latency.unfinished,
          lagP50Ms: end.lag.p50Ms,
          lagP99Ms: end.lag.p99Ms,
          lagMaxMs: end.lag.maxMs,
          serverCpu: end.cpuShare,
          deliveriesPerSecond: result.deliveriesPerSecond,
        },
        loadgenCpu: result.cpu.own,
        interference: interference(result.cpu.cores, end.cpuShare, result.cpu.own),
        attempts: 1,
      };
    },
  );
  const ours = rows.find((r) => r.variant === 'tincan');
  const out = rows.map((row) => {
    const m = row.metrics;
    return [
      row.label,
      flagged(row, ms(m.p50Ms)),
      flagged(row, ms(m.p99Ms)),
      ms(m.maxMs),
      String(m.unfinished),
      ms(m.lagP50Ms),
      ms(m.lagP99Ms),
      ms(m.lagMaxMs),
      pct(m.serverCpu!),
      pct(row.loadgenCpuMax),
      row.variant === 'tincan' || !ours ? '' : ratio(ours.metrics.p99Ms! / m.p99Ms!),
    ];
  });
  const frameOnce = rows.find((r) => r.variant === 'ws-frame-once');
  const trusted = (r: Row | undefined): r is Row => !!r && !r.invalid && !r.error;
  const value = trusted(ours) && trusted(frameOnce) ? ours.metrics.p99Ms! / frameOnce.metrics.p99Ms! : null;
  const target: Target = {
    scenario: 'B',
    name: `p99 latency, ${params.clients} clients at ${params.ratePerSecond} msg/s`,
    goal: '≤ 2× bare ws, frame once',
    value,
    display:
      value === null
        ? 'not measured (invalid run)'
        : `${ratio(value)} (${ms(ours!.metrics.p99Ms)} vs ${ms(frameOnce!.metrics.p99Ms)} ms)`,
    met: value === null ? null : value <= 2,
  };
  return {
    id: 'B',
    title: `Latency at the last recipient: ${params.ratePerSecond} msg/s into ${params.clients} clients`,
    params,
    rows,
    table: table(
      [
        'server',
        'p50 ms',
        'p99 ms',
        'max ms',
        'unfinished',
        'loop lag p50',
        'lag p99',
        'lag max',
        'server CPU',
        'load-gen CPU (max)',
        'Tincan p99 ÷ this',
      ],
      out,
      1,
    ),
    targets: [target],
    status: 'done',
  };
}
