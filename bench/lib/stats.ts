/** The p-th percentile (0–100) of already sorted numbers, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Fraction of one core this process used between two cpuUsage() readings over `wallMs`. */
export function coreShare(start: NodeJS.CpuUsage, wallMs: number): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / wallMs;
}
