// C. Durable acks: messages acked per second and ack latency (send → ack) with storage on — fsync
// per commit, and WAL without fsync — against the same host with storage off (in-memory SQLite).
// Each client has its own room, so this measures the store and the ack path, not fan-out.
// Saturated: many clients, many sends in flight. Light: one send in flight per client, to see the
// path's own latency. The earlier build (bench/lib/previous-build.ts) runs the saturated fsync case
// in the same run, as the anchor for "no regression".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcksResult } from '../lib/loadgen.ts';
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

type Mode = 'full' | 'normal' | 'memory' | 'previous';
const MODES: { mode: Mode; label: string }[] = [
  { mode: 'full', label: 'on (fsync per commit)' },
  { mode: 'normal', label: 'on (WAL, no fsync)' },
  { mode: 'memory', label: 'off (in memory)' },
];

export async function durableAcks(ctx: Context): Promise<ScenarioReport> {
  const loads = {
    saturated: { clients: ctx.quick ? 4 : 32, window: 16 },
    light: { clients: 4, window: 1 },
  };
  const params = {
    loads,
    textBytes: 40,
    warmupMs: ctx.quick ? 100 : 500,
    measureMs: ctx.quick ? 300 : 3000,
    repetitions: ctx.reps,
  };
  const previous = 'rev' in ctx.previous ? ctx.previous : undefined;
  const variants = (Object.keys(loads) as (keyof typeof loads)[]).flatMap((load) =>
    MODES.map((m) => ({ case: load, variant: m.mode, label: m.label, data: { load, mode: m.mode } })),
  );
  // The earlier build, fsync per commit, under the saturating load: the anchor for "no regression".
  if (previous) {
    variants.splice(1, 0, {
      case: 'saturated',
      variant: 'previous',
      label: `on (fsync), Tincan ${previous.rev}`,
      data: { load: 'saturated', mode: 'previous' },
    });
  }
  const rows = await repeat(ctx, variants, async ({ data: { load, mode } }) => {
    const { clients, window } = loads[load];
    const dir = mode === 'memory' ? null : mkdtempSync(join(tmpdir(), 'tincan-bench-'));
    const durability = mode === 'memory' ? 'normal' : mode === 'previous' ? 'full' : mode;
    try {
      const { result, server } = await ctx.loadgen.trial<AcksResult>(
        {
          kind: 'tincan',
          ...(mode === 'previous' && previous ? { script: previous.hostScript } : {}),
          options: {
            dataDir: dir,
            durability,
            rooms: Array.from({ length: clients }, (_, i) => `bench-${i}`),
          },
        },
        {
          kind: 'acks',
          clients,
          window,
          textBytes: params.textBytes,
          warmupMs: params.warmupMs,
          measureMs: params.measureMs,
        },
        60_000,
      );
      const end = server.end!;
      return {
        metrics: {
          acksPerSecond: result.acksPerSecond,
          p50Ms: result.latency.p50Ms,
          p99Ms: result.latency.p99Ms,
          serverCpu: end.cpuShare,
        },
        loadgenCpu: result.cpu.own,
        interference: interference(result.cpu.cores, end.cpuShare, result.cpu.own),
        attempts: 1,
      };
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
  const out = rows.map((row) => {
    const off = rows.find((r) => r.case === row.case && r.variant === 'memory');
    const { clients, window } = loads[row.case as keyof typeof loads];
    return [
      `${row.case} (${clients} × ${window} in flight)`,
      row.label,
      flagged(row, num(row.metrics.acksPerSecond)),
      flagged(row, ms(row.metrics.p50Ms)),
      flagged(row, ms(row.metrics.p99Ms)),
      off ? ratio(row.metrics.acksPerSecond! / off.metrics.acksPerSecond!) : '',
      pct(row.metrics.serverCpu!),
      pct(row.loadgenCpuMax),
    ];
  });
  const full = rows.find((r) => r.case === 'saturated' && r.variant === 'full');
  const value = full && !full.invalid && !full.error ? full.metrics.acksPerSecond! : null;
  const target: Target = {
    scenario: 'C',
    name: 'durable acks, storage on (fsync per commit)',
    goal: '≥ 20,000 acks/s',
    value,
    display:
      value === null
        ? 'not measured (invalid run)'
        : `${num(value)} acks/s (p99 ${ms(full!.metrics.p99Ms)} ms)${ctx.quick ? ', quick sizes' : ''}`,
    met: value === null ? null : value >= 20_000,
  };
  return {
    id: 'C',
    title: 'Durable acks: storage on vs off',
    params,
    rows,
    table: table(
      ['load', 'storage', 'acks/s', 'p50 ms', 'p99 ms', 'vs storage off', 'server CPU', 'load-gen CPU (max)'],
      out,
    ),
    targets: [target, noRegression(rows, ctx.previous)],
    status: 'done',
  };
}

/** Today's durable acks against the earlier build's, same load, same run. */
function noRegression(rows: Row[], previous: Context['previous']): Target {
  const today = rows.find((r) => r.case === 'saturated' && r.variant === 'full');
  const before = rows.find((r) => r.case === 'saturated' && r.variant === 'previous');
  const trusted = (r: Row | undefined): r is Row => !!r && !r.invalid && !r.error;
  const value = trusted(today) && trusted(before) ? today.metrics.acksPerSecond! / before.metrics.acksPerSecond! : null;
  const rev = 'rev' in previous ? previous.rev : undefined;
  return {
    scenario: 'C',
    name: `durable acks against Tincan ${rev ?? '(earlier build)'}`,
    goal: '≥ 0.95× the earlier build, same run',
    value,
    display:
      value === null
        ? `not measured (${'unavailable' in previous ? previous.unavailable : 'invalid run'})`
        : `${ratio(value)} (${num(today!.metrics.acksPerSecond!)} vs ${num(before!.metrics.acksPerSecond!)} acks/s)`,
    met: value === null ? null : value >= 0.95,
  };
}
