/** What the renderer benchmark page measures about itself (read by renderer-bench.ts). */
export interface RendererResult {
  mode: string;
  count: number;
  firstFrameMs: number;
  domNodes: number;
  longTasks: number;
  longTaskMs: number;
  arrivals: number;
  /** Largest gap between the newest row and the viewport's bottom while messages streamed in, px. */
  maxGapPx: number;
  /** The gap once the stream stopped and two frames passed, px (0 = following the bottom). */
  endGapPx: number;
}
