// C. Durable acks: messages acked per second and ack latency (send → ack) with storage on — fsync
// per commit, and WAL without fsync — against the same host with storage off (in-memory SQLite).
// Each client has its own room, so this measures the store and the ack path, not fan-out.
// Saturated: many clients, many sends in flight. Light: one send in flight per client, to see the
// path's own latency.
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
  type ScenarioReport,
  type Target,
} from '../lib/scenario.ts';

type Mode = 'full' | 'normal' | 'memory';
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
  const variants = (Object.keys(loads) as (keyof typeof loads)[]).flatMap((load) =>
    MODES.map((m) => ({ case: load, variant: m.mode, label: m.label, data: { load, mode: m.mode } })),
  );
  const rows = await repeat(ctx, variants, async ({ data: { load, mode } }) => {
    const { clients, window } = loads[load];
    const dir = mode === 'memory' ? null : mkdtempSync(join(tmpdir(), 'tincan-bench-'));
    try {
      const { result, server } = await ctx.loadgen.trial<AcksResult>(
        {
          kind: 'tincan',
          options: {
            dataDir: dir,
            durability: mode === 'memory' ? 'normal' : mode,
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
    targets: [target],
    status: 'done',
  };
}
