// B. Latency: a fixed rate of chat messages (open loop) into a room of 1000 clients. Per message,
// the time from the send until the last of the recipients has it; p50 and p99 over the messages
// of the window. The server reports its own event-loop delay over the same window.
//
// 100 msg/s is the rate (100,000 deliveries/s). A second, light rate shows the latency of
// the path itself when the server is far from busy. At 100 msg/s the load generator coalesces
// reads for 1 ms per event-loop turn (see RoomJob.coalesceMs): at 100,000 deliveries/s it would
// otherwise nearly saturate its own core; that adds at most 1 ms to each latency, the same for
// every server. The light rate does not need it and reads at once.
import type { RoomResult } from '../lib/loadgen.ts';
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
import { SERVERS } from './fanout.ts';

export async function latency(ctx: Context): Promise<ScenarioReport> {
  const rates = ctx.quick ? [100] : [100, 20];
  const params = {
    clients: ctx.quick ? 20 : 1000,
    senders: ctx.quick ? 2 : 10,
    ratesPerSecond: rates,
    textBytes: 100,
    /** Only where the load generator needs it (see above). */
    coalesceMsByRate: Object.fromEntries(rates.map((rate) => [rate, rate >= 50 ? 1 : 0])),
    warmupMs: ctx.quick ? 200 : 1000,
    measureMs: ctx.quick ? 500 : 10_000,
    repetitions: ctx.reps,
  };
  const caseOf = (rate: number) => `${rate} msg/s`;
  const rows = await repeat(
    ctx,
    params.ratesPerSecond.flatMap((rate) =>
      SERVERS.map((s) => ({
        case: caseOf(rate),
        variant: s.kind,
        label: s.label,
        data: { kind: s.kind, rate },
      })),
    ),
    async ({ data: { kind, rate } }) => {
      const { result, server } = await ctx.loadgen.trial<RoomResult>(
        { kind },
        {
          kind: 'room',
          clients: params.clients,
          senders: params.senders,
          textBytes: params.textBytes,
          load: { rate },
          coalesceMs: params.coalesceMsByRate[rate],
          warmupMs: params.warmupMs,
          measureMs: params.measureMs,
        },
        params.measureMs + 90_000,
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
  const out = rows.map((row) => {
    const m = row.metrics;
    const ours = rows.find((r) => r.case === row.case && r.variant === 'tincan');
    return [
      row.case,
      row.label,
      flagged(row, ms(m.p50Ms)),
      flagged(row, ms(m.p99Ms)),
      ms(m.maxMs),
      num(m.unfinished),
      ms(m.lagP50Ms),
      ms(m.lagP99Ms),
      ms(m.lagMaxMs),
      pct(m.serverCpu!),
      pct(row.loadgenCpuMax),
      row.variant === 'tincan' || !ours ? '' : ratio(ours.metrics.p99Ms! / m.p99Ms!),
    ];
  });
  const trusted = (r: Row | undefined): r is Row => !!r && !r.invalid && !r.error;
  const targets = params.ratesPerSecond.map((rate): Target => {
    const ours = rows.find((r) => r.case === caseOf(rate) && r.variant === 'tincan');
    const floor = rows.find((r) => r.case === caseOf(rate) && r.variant === 'ws-corked');
    const value = trusted(ours) && trusted(floor) ? ours.metrics.p99Ms! / floor.metrics.p99Ms! : null;
    return {
      scenario: 'B',
      name: `p99 latency, ${params.clients} clients at ${rate} msg/s`,
      goal: '≤ 1.2× bare ws, frame once + cork',
      value,
      display:
        value === null
          ? 'not measured (invalid run)'
          : `${ratio(value)} (${ms(ours!.metrics.p99Ms)} vs ${ms(floor!.metrics.p99Ms)} ms)`,
      met: value === null ? null : value <= 1.2,
    };
  });
  return {
    id: 'B',
    title: `Latency at the last recipient of ${params.clients} clients`,
    params,
    rows,
    table: table(
      [
        'rate',
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
    ),
    targets,
    status: 'done',
  };
}
