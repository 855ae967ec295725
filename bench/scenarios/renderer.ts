// F. Renderer: a 100,000-message room in headless Chromium — time to first frame, DOM node count,
// long tasks while 100 messages/s arrive — against a plain `{#each}` list of the same data.
//
// SLOT: not implemented yet; it comes with the desktop UI. The runner lists it as pending and
// writes no numbers for it. Its targets: first frame ≤ 50 ms, ≤ 300 DOM nodes, no long tasks.
import type { Context, ScenarioReport } from '../lib/scenario.ts';

export function renderer(_ctx: Context): Promise<ScenarioReport> {
  return Promise.resolve({
    id: 'F',
    title: 'Renderer: 100,000-message room in headless Chromium',
    params: {},
    rows: [],
    table: 'pending: scenario F (renderer) is not implemented yet; no numbers.',
    targets: [
      {
        scenario: 'F',
        name: '100,000-message room',
        goal: 'first frame ≤ 50 ms, ≤ 300 DOM nodes, no long tasks',
        value: null,
        display: 'pending (not implemented)',
        met: null,
      },
    ],
    status: 'pending',
    note: 'Comes with the desktop UI (issue 5, scenario F).',
  });
}
