// A. Fan-out: N clients in one room; a few of them send chat messages, the server stores (Tincan),
// acks and broadcasts each to all N. Closed loop: a fixed number of messages is in flight (sent,
// not yet received by every client), so the server runs flat out; the number is deliveries per
// second (message frames received, summed over clients). Same text size and window for every
// server.
import type { RoomResult } from '../lib/loadgen.ts';
import {
  flagged,
  interference,
  num,
  pct,
  ratio,
  repeat,
  table,
  type Context,
  type Row,
  type ScenarioReport,
  type Target,
  type Variant,
} from '../lib/scenario.ts';
import type { ServerKind } from '../lib/spawn-host.ts';

export const SERVERS: { kind: ServerKind; label: string }[] = [
  { kind: 'tincan', label: 'Tincan' },
  { kind: 'ws-corked', label: 'ws, frame once + cork' },
  { kind: 'ws-frame-once', label: 'ws, frame once' },
  { kind: 'ws-naive', label: 'ws, send() loop' },
  { kind: 'socketio', label: 'Socket.IO 4' },
];

export async function fanout(ctx: Context): Promise<ScenarioReport> {
  const sizes = ctx.quick ? [20] : [100, 500, 1000];
  const params = {
    clients: sizes,
    senders: ctx.quick ? 2 : 10,
    textBytes: 100,
    /** Messages in flight: enough deliveries queued to keep the server busy through a round trip. */
    window: Object.fromEntries(sizes.map((n) => [n, windowFor(n)])),
    coalesceMs: 2,
    warmupMs: ctx.quick ? 200 : 1000,
    measureMs: ctx.quick ? 300 : 3000,
    repetitions: ctx.reps,
  };
  const variants: Variant<{ clients: number; kind: ServerKind }>[] = sizes.flatMap((clients) =>
    SERVERS.map((s) => ({
      case: `${clients} clients`,
      variant: s.kind,
      label: s.label,
      data: { clients, kind: s.kind },
    })),
  );
  const rows = await repeat(ctx, variants, async ({ data }) => {
    const { result, server } = await ctx.loadgen.trial<RoomResult>(
      { kind: data.kind },
      {
        kind: 'room',
        clients: data.clients,
        senders: params.senders,
        textBytes: params.textBytes,
        load: { window: windowFor(data.clients) },
        coalesceMs: params.coalesceMs,
        warmupMs: params.warmupMs,
        measureMs: params.measureMs,
      },
      60_000,
    );
    const end = server.end!;
    return {
      metrics: {
        deliveriesPerSecond: result.deliveriesPerSecond,
        deliveriesPerServerCpuSecond: result.deliveriesPerSecond / end.cpuShare,
        serverCpu: end.cpuShare,
        roundTripP50Ms: result.latency.p50Ms,
      },
      loadgenCpu: result.cpu.own,
      interference: interference(result.cpu.cores, end.cpuShare, result.cpu.own),
      attempts: 1,
    };
  });
  return {
    id: 'A',
    title: 'Fan-out: deliveries per second, one room',
    params,
    rows,
    table: render(rows, sizes),
    targets: targets(rows, sizes),
    status: 'done',
  };
}

export function windowFor(clients: number): number {
  return Math.max(8, Math.ceil(8000 / clients));
}

const get = (rows: Row[], clients: number, kind: ServerKind) =>
  rows.find((r) => r.case === `${clients} clients` && r.variant === kind);

function render(rows: Row[], sizes: number[]): string {
  const out: string[][] = [];
  for (const clients of sizes) {
    const ours = get(rows, clients, 'tincan');
    for (const { kind } of SERVERS) {
      const row = get(rows, clients, kind);
      if (!row) continue;
      const m = row.metrics;
      const vs = (key: string) =>
        kind === 'tincan' || !ours
          ? ''
          : ratio(ours.metrics[key]! / m[key]!) + (row.invalid || ours.invalid ? '?' : '');
      out.push([
        String(clients),
        row.label,
        flagged(row, num(m.deliveriesPerSecond)),
        flagged(row, num(m.deliveriesPerServerCpuSecond)),
        pct(m.serverCpu!),
        pct(row.loadgenCpuMax),
        vs('deliveriesPerSecond'),
        vs('deliveriesPerServerCpuSecond'),
      ]);
    }
  }
  return table(
    [
      'clients',
      'server',
      'deliveries/s',
      'per server CPU-s',
      'server CPU',
      'load-gen CPU (max)',
      'Tincan ÷ this',
      'per CPU-s',
    ],
    out,
  );
}

function targets(rows: Row[], sizes: number[]): Target[] {
  const list: Target[] = [];
  for (const [kind, goal, min] of [
    ['ws-corked', '≥ 0.9× bare ws, frame once + cork', 0.9],
    ['socketio', '≥ 4× Socket.IO', 4],
  ] as const) {
    for (const clients of sizes) {
      const ours = get(rows, clients, 'tincan');
      const theirs = get(rows, clients, kind);
      const trusted = ours && theirs && !ours.invalid && !theirs.invalid && !ours.error && !theirs.error;
      const raw = trusted ? ours.metrics.deliveriesPerSecond! / theirs.metrics.deliveriesPerSecond! : null;
      const perCpu = trusted
        ? ours.metrics.deliveriesPerServerCpuSecond! / theirs.metrics.deliveriesPerServerCpuSecond!
        : null;
      list.push({
        scenario: 'A',
        name: `fan-out, ${clients} clients`,
        goal,
        value: perCpu,
        display:
          perCpu === null ? 'not measured (invalid run)' : `${ratio(perCpu)} per server CPU-s (${ratio(raw!)} raw)`,
        met: perCpu === null ? null : perCpu >= min,
      });
    }
  }
  return list;
}
