// I. Files through the host: a 256 MiB upload (binary chunks over the WebSocket, written and hashed
// by the host) then its download over HTTP, against a bare ws relay passing the same chunks from one
// socket to another; once without and once with SHA-256 on the sender and the receiver (the host
// hashes either way). Two other members chat in the room meanwhile. Then a 1 GiB transfer, for the
// host's memory: it streams, and must never hold a file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FilesResult } from '../lib/files-job.ts';
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

const MiB = 2 ** 20;

export async function files(ctx: Context): Promise<ScenarioReport> {
  const params = {
    transferBytes: (ctx.quick ? 16 : 256) * MiB,
    memoryBytes: (ctx.quick ? 32 : 1024) * MiB,
    chatRate: 20,
    chatIdleMs: ctx.quick ? 500 : 3000,
    repetitions: ctx.reps,
  };
  const size = (bytes: number) => `${bytes / MiB} MiB`;
  const variants = [
    {
      case: size(params.transferBytes),
      variant: 'ws-relay',
      label: 'bare ws relay',
      data: { relay: true, hash: false, bytes: params.transferBytes },
    },
    {
      case: size(params.transferBytes),
      variant: 'tincan',
      label: 'Tincan, up then down',
      data: { relay: false, hash: false, bytes: params.transferBytes },
    },
    {
      case: size(params.transferBytes),
      variant: 'tincan-sha256',
      label: 'Tincan, SHA-256 on every side',
      data: { relay: false, hash: true, bytes: params.transferBytes },
    },
    {
      case: size(params.memoryBytes),
      variant: 'tincan-memory',
      label: 'Tincan, SHA-256 on every side',
      data: { relay: false, hash: true, bytes: params.memoryBytes },
    },
  ];
  const rows = await repeat(ctx, variants, async ({ data: { relay, hash, bytes } }) => {
    const dir = relay ? null : mkdtempSync(join(tmpdir(), 'tincan-bench-files-'));
    try {
      const { result, server } = await ctx.loadgen.trial<FilesResult>(
        relay
          ? { kind: 'ws-relay' }
          : { kind: 'tincan', options: { dataDir: dir, durability: 'normal', rooms: ['bench'] } },
        { kind: 'files', bytes, hash, chatRate: params.chatRate, chatIdleMs: params.chatIdleMs },
        600_000,
      );
      const end = server.end!;
      const start = server.start!;
      return {
        metrics: {
          mibPerSecond: result.mibPerSecond,
          totalMs: result.totalMs,
          // The relay has no separate legs and no chat: those numbers are Tincan's only.
          ...(relay
            ? {}
            : {
                uploadMs: result.uploadMs,
                downloadMs: result.downloadMs,
                chatIdleP99Ms: result.chatIdleP99Ms,
                chatDuringP99Ms: result.chatDuringP99Ms,
              }),
          memoryGrowthMiB: (end.peak.rss - start.memory.rss) / MiB,
          heapGrowthMiB: (end.peak.heap - start.memory.heap) / MiB,
          // The host's own event-loop lag: what any frame arriving meanwhile waited, whoever sent it.
          hostLagP99Ms: end.lag.p99Ms,
          hostLagMaxMs: end.lag.maxMs,
          // …and how much of that was its main thread waiting for the core its own helper threads held.
          ...(end.mainWaitShare === null ? {} : { hostMainWaitShare: end.mainWaitShare }),
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
  const relayRow = rows.find((r) => r.variant === 'ws-relay');
  const out = rows.map((row) => {
    const m = row.metrics;
    const vsRelay =
      relayRow && row.case === relayRow.case ? ratio(m.mibPerSecond! / relayRow.metrics.mibPerSecond!) : '';
    return [
      row.case,
      row.label,
      flagged(row, num(m.mibPerSecond)),
      vsRelay,
      ms(m.uploadMs),
      ms(m.downloadMs),
      ms(m.chatIdleP99Ms),
      ms(m.chatDuringP99Ms),
      ms(m.hostLagP99Ms),
      ms(m.hostLagMaxMs),
      m.hostMainWaitShare === undefined ? '–' : pct(m.hostMainWaitShare),
      num(m.memoryGrowthMiB),
      num(m.heapGrowthMiB),
      pct(m.serverCpu!),
      pct(row.loadgenCpuMax),
    ];
  });
  return {
    id: 'I',
    title: 'Files: upload then download through the host, against a bare ws relay',
    params,
    rows,
    table: table(
      [
        'size',
        'path',
        'MiB/s',
        'vs relay',
        'upload ms',
        'download ms',
        'chat p99 idle',
        'chat p99 during',
        'host lag p99',
        'host lag max',
        'host main thread waiting for CPU',
        'host RSS growth MiB',
        'heap + external growth MiB',
        'server CPU',
        'load-gen CPU (max)',
      ],
      out,
    ),
    targets: targets(rows, ctx.quick),
    status: 'done',
  };
}

function targets(rows: Row[], quick: boolean): Target[] {
  const trusted = (variant: string) => {
    const row = rows.find((r) => r.variant === variant);
    return row && !row.invalid && !row.error ? row : undefined;
  };
  const relay = trusted('ws-relay');
  const plain = trusted('tincan');
  const hashed = trusted('tincan-sha256');
  const memory = trusted('tincan-memory');
  const sizes = quick ? ', quick sizes' : '';
  const against = (row: Row | undefined) =>
    row && relay ? row.metrics.mibPerSecond! / relay.metrics.mibPerSecond! : null;
  const plainRatio = against(plain);
  const hashedRatio = against(hashed);
  const chat = plain ? plain.metrics.chatDuringP99Ms! / plain.metrics.chatIdleP99Ms! : null;
  const growth = memory ? memory.metrics.memoryGrowthMiB! : null;
  const speed = (row: Row | undefined) =>
    row ? `${num(row.metrics.mibPerSecond)} vs ${num(relay!.metrics.mibPerSecond)} MiB/s` : '';
  return [
    {
      scenario: 'I',
      name: 'upload then download through the host',
      goal: '≥ 0.8× a bare ws relay of the same chunks',
      value: plainRatio,
      display: plainRatio === null ? 'not measured' : `${ratio(plainRatio)} (${speed(plain)})${sizes}`,
      met: plainRatio === null ? null : plainRatio >= 0.8,
    },
    {
      scenario: 'I',
      name: 'the same with SHA-256 on every side',
      goal: '≥ 0.7× that relay',
      value: hashedRatio,
      display: hashedRatio === null ? 'not measured' : `${ratio(hashedRatio)} (${speed(hashed)})${sizes}`,
      met: hashedRatio === null ? null : hashedRatio >= 0.7,
    },
    {
      scenario: 'I',
      name: 'chat p99 for other members during a transfer',
      goal: '≤ 2× idle chat p99',
      value: chat,
      display:
        chat === null
          ? 'not measured'
          : `${ratio(chat)} (${ms(plain!.metrics.chatDuringP99Ms)} vs ${ms(plain!.metrics.chatIdleP99Ms)} ms)${sizes}`,
      met: chat === null ? null : chat <= 2,
    },
    {
      scenario: 'I',
      name: `host memory growth during a ${quick ? '32 MiB' : '1 GiB'} transfer`,
      goal: '≤ 64 MiB',
      value: growth,
      display:
        growth === null
          ? 'not measured'
          : `${num(growth)} MiB of RSS, ${num(memory!.metrics.heapGrowthMiB)} MiB of heap + external, after a 16 MiB warm-up${sizes}`,
      met: growth === null ? null : growth <= 64,
    },
  ];
}
