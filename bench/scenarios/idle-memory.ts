// E. Idle memory per connection: the server's own memory (after a forced GC) with 0, N/2 and N idle
// connections that joined the room. Per connection = (memory at N − memory at N/2) ÷ (N/2): the
// marginal cost, which leaves out one-time costs (code compiled on the first connection, buffer
// pools). Kernel socket buffers are not in the process's RSS and are not counted.
import {
  bytes,
  flagged,
  ratio,
  repeat,
  table,
  type Context,
  type ScenarioReport,
  type Target,
} from '../lib/scenario.ts';
import type { ServerKind } from '../lib/spawn-host.ts';

const SERVERS: { kind: ServerKind; label: string }[] = [
  { kind: 'tincan', label: 'Tincan' },
  { kind: 'ws-frame-once', label: 'bare ws' },
  { kind: 'socketio', label: 'Socket.IO 4' },
];

export async function idleMemory(ctx: Context): Promise<ScenarioReport> {
  const params = { clients: ctx.quick ? 100 : 1000, repetitions: ctx.reps };
  const rows = await repeat(
    ctx,
    SERVERS.map((s) => ({ case: `${params.clients} clients`, variant: s.kind, label: s.label, data: s.kind })),
    async ({ data: kind }) => {
      const { server } = await ctx.loadgen.trial({ kind }, { kind: 'idle', clients: params.clients }, 60_000);
      const [zero, half, full] = [server.zero!, server.half!, server.full!];
      const n = params.clients - Math.floor(params.clients / 2);
      return {
        metrics: {
          heapPerConnection: (full.memory.heap - half.memory.heap) / n,
          rssPerConnection: (full.memory.rss - half.memory.rss) / n,
          heapPerConnectionAll: (full.memory.heap - zero.memory.heap) / params.clients,
          rssPerConnectionAll: (full.memory.rss - zero.memory.rss) / params.clients,
        },
        loadgenCpu: NaN,
        interference: [0, 0],
        attempts: 1,
      };
    },
  );
  const bare = rows.find((r) => r.variant === 'ws-frame-once');
  const out = rows.map((row) => {
    const m = row.metrics;
    return [
      row.label,
      flagged(row, bytes(m.heapPerConnection)),
      flagged(row, bytes(m.rssPerConnection)),
      bytes(m.heapPerConnectionAll),
      bytes(m.rssPerConnectionAll),
      bare ? ratio(m.heapPerConnection! / bare.metrics.heapPerConnection!) : '',
      bare ? ratio(m.rssPerConnection! / bare.metrics.rssPerConnection!) : '',
    ];
  });
  const ours = rows.find((r) => r.variant === 'tincan');
  const ok = ours && bare && !ours.error && !bare.error;
  const heap = ok ? ours.metrics.heapPerConnection! / bare.metrics.heapPerConnection! : null;
  const rss = ok ? ours.metrics.rssPerConnection! / bare.metrics.rssPerConnection! : null;
  const target: Target = {
    scenario: 'E',
    name: 'idle memory per connection',
    // The target is on live memory (issue 8). RSS is shown beside it: it also holds what the O(N²)
    // member lists of N joins into one room leave in the allocator (docs/performance.md).
    goal: '≤ 1.25× bare ws (heap + external); RSS shown, not targeted',
    value: heap,
    display:
      heap === null
        ? 'not measured'
        : `heap ${ratio(heap)} (${bytes(ours!.metrics.heapPerConnection)} vs ${bytes(bare!.metrics.heapPerConnection)}), ` +
          `RSS ${ratio(rss!)} (${bytes(ours!.metrics.rssPerConnection)} vs ${bytes(bare!.metrics.rssPerConnection)})`,
    met: heap === null ? null : heap <= 1.25,
  };
  return {
    id: 'E',
    title: `Idle memory per connection (${params.clients} connections, after GC)`,
    params,
    rows,
    table: table(
      ['server', 'heap+ext / conn', 'RSS / conn', 'heap+ext (0→N)', 'RSS (0→N)', 'heap vs bare ws', 'RSS vs bare ws'],
      out,
      1,
    ),
    targets: [target],
    status: 'done',
  };
}
