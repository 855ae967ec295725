// What the scenarios share: the run context, interleaved repetitions with medians, the checks
// that make a number trustworthy (load generator not saturated, machine not too busy), and how a
// scenario reports rows, a table and targets.
import { waitForQuiet } from './cpu.ts';
import { median } from './stats.ts';
import type { PreviousBuild } from './previous-build.ts';
import type { Loadgen } from './trial.ts';

/** A load generator using this much of its core measures itself: the result is INVALID. */
export const SATURATED = 0.9;
/** Other work on either core above this share of a core disturbs a trial: it is retried. */
export const DISTURBED = 0.15;

export interface Context {
  quick: boolean;
  reps: number;
  /** Extra attempts for a disturbed trial. */
  retries: number;
  loadgen: Loadgen;
  /** An earlier build to compare with in the same run, or why there is none (quick runs, shallow clones). */
  previous: PreviousBuild | { unavailable: string };
  log(line: string): void;
}

/** One repetition's numbers, with what it takes to trust them. */
export interface Sample {
  metrics: Record<string, number>;
  /** Load generator's CPU share of its core over the window (NaN when not measured). */
  loadgenCpu: number;
  /** Others' CPU share on [server core, load-generator core] over the window. */
  interference: [number, number];
  attempts: number;
}

export interface Row {
  /** E.g. "100 clients" or "saturated"; rows of one case compare with each other. */
  case: string;
  /** E.g. "tincan", "ws-frame-once". */
  variant: string;
  label: string;
  /** Medians over the valid repetitions. */
  metrics: Record<string, number>;
  loadgenCpuMax: number;
  interferenceMax: number;
  /** The load generator saturated its core in most repetitions: the metrics are not to be trusted. */
  invalid: boolean;
  /** Others used more than DISTURBED of a core in some repetition even after retries. */
  disturbed: boolean;
  error?: string;
  samples: Sample[];
}

export interface Target {
  scenario: string;
  name: string;
  goal: string;
  /** The measured value in the goal's terms (a ratio, a rate …), null when it could not be measured. */
  value: number | null;
  display: string;
  met: boolean | null;
}

export interface ScenarioReport {
  id: string;
  title: string;
  /** How the numbers were made: sizes, rates, durations. */
  params: Record<string, unknown>;
  rows: Row[];
  table: string;
  targets: Target[];
  status: 'done' | 'pending';
  note?: string;
}

export interface Variant<V = unknown> {
  case: string;
  variant: string;
  label: string;
  data: V;
}

/**
 * Run every variant `ctx.reps` times, interleaved (variant order inside each repetition), and
 * keep the median of each metric over the valid repetitions.
 */
export async function repeat<V>(
  ctx: Context,
  variants: Variant<V>[],
  once: (variant: Variant<V>) => Promise<Sample>,
): Promise<Row[]> {
  const samples = variants.map(() => [] as Sample[]);
  const errors = variants.map(() => undefined as string | undefined);
  for (let r = 0; r < ctx.reps; r++) {
    for (const [i, variant] of variants.entries()) {
      if (errors[i]) continue;
      try {
        const sample = await attempt(ctx, variant, once);
        samples[i]!.push(sample);
        ctx.log(
          `  ${variant.case} · ${variant.label} · run ${r + 1}/${ctx.reps}: ${brief(sample)}` +
            (sample.attempts > 1 ? ` (attempt ${sample.attempts})` : ''),
        );
      } catch (error) {
        errors[i] = error instanceof Error ? error.message : String(error);
        ctx.log(`  ${variant.case} · ${variant.label}: ERROR ${errors[i]}`);
      }
    }
  }
  return variants.map((variant, i) => aggregate(variant, samples[i]!, errors[i]));
}

async function attempt<V>(
  ctx: Context,
  variant: Variant<V>,
  once: (variant: Variant<V>) => Promise<Sample>,
): Promise<Sample> {
  let best: Sample | undefined;
  for (let a = 1; a <= 1 + ctx.retries; a++) {
    // On a shared machine, start when others are idle (a short wait first, a longer one on a retry).
    if (!ctx.quick) {
      const waited = await waitForQuiet(a === 1 ? 5_000 : 30_000);
      if (waited > 1000) ctx.log(`  (waited ${(waited / 1000).toFixed(1)} s for the machine to be quiet)`);
    }
    const sample = { ...(await once(variant)), attempts: a };
    if (!best || Math.max(...sample.interference) < Math.max(...best.interference)) best = sample;
    if (Math.max(...sample.interference) <= DISTURBED) break;
    if (a <= ctx.retries) {
      ctx.log(
        `  ${variant.case} · ${variant.label}: machine busy (others used ${sample.interference.map(pct).join(' / ')} of the two cores), retrying`,
      );
    }
  }
  return best!;
}

function brief(sample: Sample): string {
  const [first, value] = Object.entries(sample.metrics)[0] ?? ['', NaN];
  const lg = Number.isFinite(sample.loadgenCpu) ? `, load-gen CPU ${pct(sample.loadgenCpu)}` : '';
  const others = Math.max(...sample.interference) > 0.05 ? `, others ${sample.interference.map(pct).join('/')}` : '';
  return `${first} ${num(value)}${lg}${others}`;
}

function aggregate<V>(variant: Variant<V>, samples: Sample[], error: string | undefined): Row {
  const valid = samples.filter((s) => !(s.loadgenCpu >= SATURATED));
  const invalid = samples.length > 0 && valid.length * 2 < samples.length;
  const use = invalid || valid.length === 0 ? samples : valid;
  const keys = Object.keys(samples[0]?.metrics ?? {});
  const metrics = Object.fromEntries(keys.map((k) => [k, median(use.map((s) => s.metrics[k]!))]));
  const interferenceMax = Math.max(0, ...samples.map((s) => Math.max(...s.interference)));
  return {
    case: variant.case,
    variant: variant.variant,
    label: variant.label,
    metrics,
    loadgenCpuMax: Math.max(0, ...samples.map((s) => s.loadgenCpu).filter(Number.isFinite)),
    interferenceMax,
    invalid,
    disturbed: interferenceMax > DISTURBED,
    ...(error ? { error } : {}),
    samples,
  };
}

/** Others' share of each core: busy minus what the server (core 0) and load generator (core 1) used. */
export function interference(cores: number[], serverCpu: number, loadgenCpu: number): [number, number] {
  if (cores.length < 2) return [0, 0];
  return [Math.max(0, cores[0]! - serverCpu), Math.max(0, cores[1]! - loadgenCpu)];
}

// Formatting.

export function pct(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–';
}

export function num(x: number | undefined, digits = 0): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}

export function bytes(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const abs = Math.abs(x);
  if (abs >= 1 << 20) return `${(x / (1 << 20)).toFixed(1)} MiB`;
  if (abs >= 1 << 10) return `${(x / (1 << 10)).toFixed(1)} KiB`;
  return `${Math.round(x)} B`;
}

export function ratio(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×`;
}

/** A plain-text table with right-aligned columns after the first `left` ones. */
export function table(headers: string[], rows: string[][], left = 2): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** What to print instead of a number that cannot be trusted. */
export function flagged(row: Row | undefined, text: string): string {
  if (!row) return '–';
  if (row.error) return 'ERROR';
  if (row.invalid) return 'INVALID';
  return row.disturbed ? `${text}*` : text;
}
