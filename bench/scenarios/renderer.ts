// F. Renderer: a 100,000-message room in headless Chromium — time to first frame, DOM node count,
// long tasks and the gap to the bottom while 100 messages/s arrive — against a plain `{#each}` list
// of the same data. Full runs also measure the maintained virtualizers Tincan's list was weighed
// against (virtua, @tanstack/svelte-virtual), wired the way their docs show for a chat.
// The page is bench/renderer/ (Tincan's real MessageList and MessageRow, production build); the
// browser is Debian's Chromium. Runs interleaved, medians over the repetitions.
import { RENDERER_MODES, rendererBench } from '../renderer/renderer-bench.ts';
import type { RendererResult } from '../renderer/result.ts';
import type { Context, Row, ScenarioReport } from '../lib/scenario.ts';
import { median } from '../lib/stats.ts';

const TARGET_FIRST_FRAME_MS = 50;
const TARGET_DOM_NODES = 300;

export async function renderer(ctx: Context): Promise<ScenarioReport> {
  const count = ctx.quick ? 5_000 : 100_000;
  const streamMs = ctx.quick ? 1_000 : 5_000;
  // The plain list takes about a minute per run at 100,000 rows: it gets fewer repetitions.
  const modes = ctx.quick ? ['virtual', 'plain'] : ['virtual', 'plain', 'virtua', 'tanstack'];
  const runs = await rendererBench({ count, streamMs, repeats: ctx.quick ? 1 : Math.min(ctx.reps, 3), modes });
  const rows: Row[] = modes.map((mode) => {
    const mine = runs.filter((r) => r.mode === mode);
    const pick = (key: keyof RendererResult) => median(mine.map((r) => r[key] as number));
    return {
      case: `${count} messages`,
      variant: mode === 'virtual' ? 'tincan' : mode === 'plain' ? 'plain-each' : mode,
      label: RENDERER_MODES[mode]!,
      metrics: {
        firstFrameMs: pick('firstFrameMs'),
        domNodes: pick('domNodes'),
        longTasks: pick('longTasks'),
        longTaskMs: pick('longTaskMs'),
        arrivals: pick('arrivals'),
        maxGapPx: pick('maxGapPx'),
        endGapPx: pick('endGapPx'),
      },
      loadgenCpuMax: NaN,
      interferenceMax: NaN,
      invalid: false,
      disturbed: false,
      samples: [],
    };
  });
  const tincan = rows.find((r) => r.variant === 'tincan')!;
  const plain = rows.find((r) => r.variant === 'plain-each')!;
  const table = [
    'list                  first frame ms  DOM nodes  long tasks  long-task ms  arrivals  max gap px  end gap px',
    '--------------------  --------------  ---------  ----------  ------------  --------  ----------  ----------',
    ...rows.map(
      (r) =>
        `${r.label.padEnd(20)}  ${r.metrics.firstFrameMs!.toFixed(1).padStart(14)}  ${String(r.metrics.domNodes).padStart(9)}  ${String(r.metrics.longTasks).padStart(10)}  ${r.metrics.longTaskMs!.toFixed(0).padStart(12)}  ${String(r.metrics.arrivals).padStart(8)}  ${r.metrics.maxGapPx!.toFixed(0).padStart(10)}  ${r.metrics.endGapPx!.toFixed(0).padStart(10)}`,
    ),
    `plain ÷ Tincan: first frame ${(plain.metrics.firstFrameMs! / tincan.metrics.firstFrameMs!).toFixed(0)}×, DOM nodes ${(plain.metrics.domNodes! / tincan.metrics.domNodes!).toFixed(0)}×`,
  ].join('\n');
  const m = tincan.metrics;
  return {
    id: 'F',
    title: `Renderer: ${count.toLocaleString('en')}-message room in headless Chromium`,
    params: { count, streamMs, messagesPerSecond: 100, repeats: runs.length / 2 },
    rows,
    table,
    targets: [
      {
        scenario: 'F',
        name: `${count.toLocaleString('en')}-message room`,
        goal: `first frame ≤ ${TARGET_FIRST_FRAME_MS} ms, ≤ ${TARGET_DOM_NODES} DOM nodes, no long tasks`,
        value: m.firstFrameMs!,
        display: `${m.firstFrameMs!.toFixed(1)} ms, ${m.domNodes} nodes, ${m.longTasks} long tasks`,
        met: m.firstFrameMs! <= TARGET_FIRST_FRAME_MS && m.domNodes! <= TARGET_DOM_NODES && m.longTasks === 0,
      },
    ],
    status: 'done',
  };
}
