/** What the renderer benchmark page measures about itself (read by renderer-bench.ts). */
export interface RendererResult {
  mode: string;
  count: number;
  firstFrameMs: number;
  domNodes: number;
  longTasks: number;
  longTaskMs: number;
  arrivals: number;
}
