// Scenario F: a 100,000-message room in headless Chromium — Tincan's virtualized list against a
// plain {#each} of the same rows. Prints time to first frame, DOM nodes and long tasks.
//
//   node bench/renderer/renderer-bench.ts [--quick]
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../test/helpers/browser.ts';
import { build } from 'vite';
import type { RendererResult } from './result.ts';

const OUT = fileURLToPath(new URL('../../out/bench-renderer', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

function serve(root: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = normalize(
      join(root, (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').split('?')[0]!),
    );
    if (!path.startsWith(root)) return void res.writeHead(403).end();
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export interface RendererBenchOptions {
  count: number;
  /** The lists to run; by default Tincan's and the plain baseline. */
  modes?: readonly string[];
  streamMs: number;
  repeats: number;
}

/** Run both lists `repeats` times, interleaved; returns every run. */
export async function rendererBench({
  count,
  streamMs,
  repeats,
  modes = ['virtual', 'plain'],
}: RendererBenchOptions): Promise<RendererResult[]> {
  await build({ configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)) });
  const server = await serve(OUT);
  const browser = await launchChromium();
  const results: RendererResult[] = [];
  try {
    const port = (server.address() as AddressInfo).port;
    for (let r = 0; r < repeats; r++) {
      for (const mode of modes) {
        const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
        let failure: Error | undefined;
        page.on('pageerror', (error) => (failure ??= error));
        // The page measures itself and blocks its own load event meanwhile: wait for its result, not for load.
        await page.goto(`http://127.0.0.1:${port}/?mode=${mode}&count=${count}&streamMs=${streamMs}`, {
          waitUntil: 'commit',
        });
        const deadline = Date.now() + 300_000;
        while (!(await page.evaluate(() => !!(globalThis as unknown as { __result?: unknown }).__result))) {
          if (failure) throw new Error(`${mode}: ${failure.message}`);
          if (Date.now() > deadline) throw new Error(`${mode}: no result in 300 s`);
          await new Promise((r) => setTimeout(r, 200));
        }
        results.push(await page.evaluate(() => (globalThis as unknown as { __result: RendererResult }).__result));
        await page.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return results;
}

/** Names of the lists the page can draw, as they appear in tables. */
export const RENDERER_MODES: Record<string, string> = {
  virtual: 'Tincan (virtual)',
  virtua: 'virtua',
  tanstack: '@tanstack/virtual',
  plain: 'plain {#each}',
};

if (import.meta.main) {
  const quick = process.argv.includes('--quick');
  const modes = process.argv.includes('--candidates') ? Object.keys(RENDERER_MODES) : ['virtual', 'plain'];
  const repeats = quick ? 1 : Number(process.argv.find((a) => a.startsWith('--repeats='))?.slice(10) ?? 5);
  const runs = await rendererBench({
    count: quick ? 5000 : 100_000,
    streamMs: quick ? 1000 : 5000,
    repeats,
    modes,
  });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`Renderer: ${runs[0]!.count} messages, then 100 msg/s for ${quick ? 1 : 5} s (median of ${repeats})`);
  console.log('list               first frame ms  DOM nodes  long tasks  long-task ms  max gap px  end gap px');
  for (const mode of modes) {
    const mine = runs.filter((r) => r.mode === mode);
    const cell = (
      key: 'firstFrameMs' | 'domNodes' | 'longTasks' | 'longTaskMs' | 'maxGapPx' | 'endGapPx',
      width: number,
      digits = 0,
    ) =>
      median(mine.map((r) => r[key]))
        .toFixed(digits)
        .padStart(width);
    console.log(
      `${RENDERER_MODES[mode]!.padEnd(17)}  ${cell('firstFrameMs', 14, 1)}  ${cell('domNodes', 9)}  ${cell('longTasks', 10)}  ${cell('longTaskMs', 12)}  ${cell('maxGapPx', 10)}  ${cell('endGapPx', 10)}`,
    );
  }
}
