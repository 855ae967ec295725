// D. Slow consumer: a room of N clients at a fixed message rate; when the window starts, one client
// stops reading. The kernel's socket buffers fill first (several MiB on loopback), then the server
// has to queue. Measured: the server's peak memory growth over the window (its own report), the
// healthy clients' p99 (send → last healthy recipient), and when the server dropped the slow one.
// Tincan drops a client whose queue passes maxBufferedBytes; the baselines have no cap. The naive
// ws.send() loop is left out: it encodes each 24 KB message once per recipient and cannot keep up
// with this rate at all (its latency grows without bound), which scenario A already shows.
import { DEFAULT_LIMITS } from '../../src/shared/protocol/index.ts';
import type { RoomResult } from '../lib/loadgen.ts';
import {
  bytes,
  flagged,
  interference,
  ms,
  pct,
  repeat,
  table,
  type Context,
  type ScenarioReport,
  type Target,
} from '../lib/scenario.ts';
import { SERVERS } from './fanout.ts';

export async function slowConsumer(ctx: Context): Promise<ScenarioReport> {
  const params = {
    clients: ctx.quick ? 20 : 1000,
    senders: ctx.quick ? 2 : 10,
    ratePerSecond: ctx.quick ? 200 : 25,
    /**
     * Long messages (8000 Chinese characters, the protocol's limit: 24 KB), so that at a rate the
     * servers sustain for 1000 clients the slow client's backlog passes the kernel's socket buffers
     * (several MiB on loopback) and then the cap within the window.
     */
    textBytes: 24_000,
    cjk: true,
    warmupMs: ctx.quick ? 300 : 1000,
    stallMs: ctx.quick ? 2500 : 30_000,
    /** Tincan's slow-consumer cap; quick mode lowers it so the drop happens within seconds. */
    maxBufferedBytes: ctx.quick ? 256 * 1024 : DEFAULT_LIMITS.maxBufferedBytes,
    repetitions: ctx.reps,
  };
  const rows = await repeat(
    ctx,
    SERVERS.filter((s) => s.kind !== 'ws-naive').map((s) => ({
      case: `${params.clients} clients`,
      variant: s.kind,
      label: s.label,
      data: s.kind,
    })),
    async ({ data: kind }) => {
      const { result, server, events } = await ctx.loadgen.trial<RoomResult>(
        { kind, options: { limits: { maxBufferedBytes: params.maxBufferedBytes } } },
        {
          kind: 'room',
          clients: params.clients,
          senders: params.senders,
          textBytes: params.textBytes,
          cjk: params.cjk,
          load: { rate: params.ratePerSecond },
          warmupMs: params.warmupMs,
          measureMs: params.stallMs,
          slow: true,
        },
        params.stallMs + 180_000,
      );
      // Baseline: right after a forced GC, just before the slow client stops reading.
      const start = server.settle!;
      const end = server.end!;
      const retained = server.retained!;
      const dropped = events.find((e) => e.name === 'slow-consumer-dropped');
      return {
        metrics: {
          heapGrowth: end.peak.heap - start.memory.heap,
          rssGrowth: end.peak.rss - start.memory.rss,
          retainedGrowth: retained.memory.heap - start.memory.heap,
          // 0 when not dropped (see `dropped`).
          queuedAtDrop: dropped?.value ?? 0,
          healthyP50Ms: result.latency.p50Ms,
          healthyP99Ms: result.latency.p99Ms,
          unfinished: result.latency.unfinished,
          // Not dropped within the window: recorded as the window length, flagged by `dropped`.
          droppedAfterMs: dropped ? dropped.at - result.pausedAt! : params.stallMs,
          dropped: dropped ? 1 : 0,
          serverCpu: end.cpuShare,
          lagP99Ms: end.lag.p99Ms,
          lagMaxMs: end.lag.maxMs,
        },
        loadgenCpu: result.cpu.own,
        interference: interference(result.cpu.cores, end.cpuShare, result.cpu.own),
        attempts: 1,
      };
    },
  );
  const out = rows.map((row) => {
    const m = row.metrics;
    return [
      row.label,
      row.variant === 'tincan' ? bytes(params.maxBufferedBytes) : 'none',
      flagged(row, bytes(m.heapGrowth)),
      bytes(m.rssGrowth),
      bytes(m.retainedGrowth),
      m.dropped! >= 0.5 ? bytes(m.queuedAtDrop) : '–',
      flagged(row, ms(m.healthyP50Ms)),
      flagged(row, ms(m.healthyP99Ms)),
      m.dropped! >= 0.5 ? `${(m.droppedAfterMs! / 1000).toFixed(1)} s` : `not in ${params.stallMs / 1000} s`,
      ms(m.lagP99Ms),
      pct(m.serverCpu!),
      pct(row.loadgenCpuMax),
    ];
  });
  const ours = rows.find((r) => r.variant === 'tincan');
  const cap = params.maxBufferedBytes;
  const trusted = ours && !ours.error;
  const m = ours?.metrics ?? {};
  const dropped = (m.dropped ?? 0) >= 0.5;
  const target: Target = {
    scenario: 'D',
    name: 'slow-consumer memory',
    goal: `bounded by the cap (${bytes(cap)}): slow client dropped with ≤ cap queued, ≤ cap retained afterwards`,
    value: trusted ? m.retainedGrowth! / cap : null,
    display: trusted
      ? (dropped
          ? `dropped after ${(m.droppedAfterMs! / 1000).toFixed(1)} s with ${bytes(m.queuedAtDrop)} queued`
          : 'not dropped in the window') +
        `; retained ${bytes(m.retainedGrowth)}; peak heap+external growth ${bytes(m.heapGrowth)} ` +
        `(${(m.heapGrowth! / cap).toFixed(1)}× cap, includes garbage not yet collected)`
      : 'not measured',
    met: trusted ? dropped && m.queuedAtDrop! <= cap && m.retainedGrowth! <= cap : null,
  };
  return {
    id: 'D',
    title: `Slow consumer: 1 of ${params.clients} clients stops reading for ${params.stallMs / 1000} s (${params.ratePerSecond} msg/s × ${params.textBytes / 1000} KB)`,
    params,
    rows,
    table: table(
      [
        'server',
        'cap',
        'peak heap growth',
        'peak RSS growth',
        'retained after GC',
        'queued at drop',
        'healthy p50 ms',
        'healthy p99 ms',
        'slow one dropped',
        'loop lag p99',
        'server CPU',
        'load-gen CPU (max)',
      ],
      out,
      2,
    ),
    targets: [target],
    status: 'done',
  };
}
