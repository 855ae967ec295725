// J. TLS: the fan-out of A and the durable acks of C against the same host with TLS on its port
// (the desktop's default: TLS, plain HTTP kept on the same port) and off, in the same run. The
// target is that TLS keeps at least 0.7× of both. The load generator speaks TLS too, which costs it
// more CPU than the host: its load-gen CPU column says when it, not the host, was the limit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificate } from '../../src/main/tls/index.ts';
import type { AcksResult, RoomResult } from '../lib/loadgen.ts';
import type { ServerSample } from '../lib/probe.ts';
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
import { windowFor } from './fanout.ts';

/** TLS must keep this share of the plain host's rate. */
export const TLS_TARGET = 0.7;

type Test = 'fanout' | 'acks';
const MODES = [
  { tls: false, variant: 'plain', label: 'ws:// (TLS off)' },
  { tls: true, variant: 'tls', label: 'wss:// (TLS, plain kept)' },
] as const;

export async function tls(ctx: Context): Promise<ScenarioReport> {
  const keys = await createCertificate('bench');
  const fanoutClients = ctx.quick ? [20] : [100, 500];
  const acks = { clients: ctx.quick ? 4 : 32, window: 16 };
  const params = {
    fanout: { clients: fanoutClients, senders: ctx.quick ? 2 : 10, textBytes: 100, coalesceMs: 2 },
    acks: { ...acks, textBytes: 40, durability: 'full' },
    certificate: 'EC P-256, self-signed; TLS 1.3 as Node negotiates it',
    warmupMs: ctx.quick ? 200 : 1000,
    measureMs: ctx.quick ? 300 : 3000,
    repetitions: ctx.reps,
  };
  const cases: { test: Test; case: string; clients: number }[] = [
    ...fanoutClients.map((clients) => ({ test: 'fanout' as const, case: `fan-out, ${clients} clients`, clients })),
    { test: 'acks', case: `durable acks, ${acks.clients} × ${acks.window} in flight`, clients: acks.clients },
  ];
  const variants = cases.flatMap((c) =>
    MODES.map((m) => ({ case: c.case, variant: m.variant, label: m.label, data: { ...c, tls: m.tls } })),
  );
  const rows = await repeat(ctx, variants, async ({ data }) => {
    const tlsOptions = data.tls ? { tls: { key: keys.key, cert: keys.cert, alsoPlain: true } } : {};
    const dir = data.test === 'acks' ? mkdtempSync(join(tmpdir(), 'tincan-bench-tls-')) : null;
    try {
      if (data.test === 'fanout') {
        const { result, server } = await ctx.loadgen.trial<RoomResult>(
          { kind: 'tincan', options: tlsOptions },
          {
            kind: 'room',
            clients: data.clients,
            senders: params.fanout.senders,
            textBytes: params.fanout.textBytes,
            load: { window: windowFor(data.clients) },
            coalesceMs: params.fanout.coalesceMs,
            warmupMs: params.warmupMs,
            measureMs: params.measureMs,
            tls: data.tls,
          },
          60_000,
        );
        return measured(result.deliveriesPerSecond, result, server.end!);
      }
      const { result, server } = await ctx.loadgen.trial<AcksResult>(
        {
          kind: 'tincan',
          options: {
            ...tlsOptions,
            dataDir: dir,
            durability: 'full',
            rooms: Array.from({ length: data.clients }, (_, i) => `bench-${i}`),
          },
        },
        {
          kind: 'acks',
          clients: data.clients,
          window: acks.window,
          textBytes: params.acks.textBytes,
          warmupMs: params.warmupMs,
          measureMs: params.measureMs,
          tls: data.tls,
        },
        60_000,
      );
      return measured(result.acksPerSecond, result, server.end!);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
  const plainOf = (row: Row) => rows.find((r) => r.case === row.case && r.variant === 'plain');
  const out = rows.map((row) => {
    const plain = plainOf(row);
    return [
      row.case,
      row.label,
      flagged(row, num(row.metrics.perSecond)),
      flagged(row, ms(row.metrics.p50Ms)),
      row.variant === 'tls' && plain ? ratio(row.metrics.perSecond! / plain.metrics.perSecond!) : '',
      flagged(row, num(row.metrics.perServerCpuSecond)),
      row.variant === 'tls' && plain ? ratio(row.metrics.perServerCpuSecond! / plain.metrics.perServerCpuSecond!) : '',
      pct(row.metrics.serverCpu!),
      pct(row.loadgenCpuMax),
    ];
  });
  return {
    id: 'J',
    title: 'TLS: fan-out deliveries/s and durable acks/s, TLS on vs off',
    params,
    rows,
    table: table(
      [
        'case',
        'port',
        'per second',
        'p50 ms',
        'TLS ÷ plain',
        'per server CPU-s',
        'TLS ÷ plain',
        'server CPU',
        'load-gen CPU (max)',
      ],
      out,
    ),
    targets: cases.map((c) => target(rows, c.case)),
    status: 'done',
  };
}

/** One repetition's numbers: the rate (deliveries or acks per second), its latency and who used the CPU. */
function measured(perSecond: number, result: RoomResult | AcksResult, end: ServerSample) {
  return {
    metrics: {
      perSecond,
      perServerCpuSecond: perSecond / end.cpuShare,
      p50Ms: result.latency.p50Ms,
      serverCpu: end.cpuShare,
    },
    loadgenCpu: result.cpu.own,
    interference: interference(result.cpu.cores, end.cpuShare, result.cpu.own),
    attempts: 1,
  };
}

/** TLS against plain for one case: deliveries/s (fan-out) or acks/s (durable acks). */
function target(rows: Row[], name: string): Target {
  const tlsRow = rows.find((r) => r.case === name && r.variant === 'tls');
  const plain = rows.find((r) => r.case === name && r.variant === 'plain');
  const trusted = (r: Row | undefined): r is Row => !!r && !r.invalid && !r.error;
  const value = trusted(tlsRow) && trusted(plain) ? tlsRow.metrics.perSecond! / plain.metrics.perSecond! : null;
  return {
    scenario: 'J',
    name: `${name}: TLS against plain, same run`,
    goal: `≥ ${TLS_TARGET}× without TLS`,
    value,
    display:
      value === null
        ? 'not measured (invalid run)'
        : `${ratio(value)} (${num(tlsRow!.metrics.perSecond!)} vs ${num(plain!.metrics.perSecond!)}/s; ` +
          `per server CPU-second ${ratio(tlsRow!.metrics.perServerCpuSecond! / plain!.metrics.perServerCpuSecond!)})`,
    met: value === null ? null : value >= TLS_TARGET,
  };
}
