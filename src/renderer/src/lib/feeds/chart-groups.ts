/**
 * Which numbers of a feed share an axis. Numbers on one y-axis must be in one unit: cpu % next to
 * a resident size in MiB next to a connection count reads as nothing. A field's unit is guessed
 * from its name (the host's own metrics feed, then the usual suffixes: `_pct`, `_bytes`, `_kbps`…);
 * what cannot be told is a plain number and shares the "value" axis.
 */
export type ChartUnit = 'percent' | 'mib' | 'bytes' | 'kibps' | 'perSecond' | 'count' | 'value';

/** The axis a unit is drawn on (units of one scale share an axis). */
export type ChartScale = 'percent' | 'size' | 'throughput' | 'count' | 'value';

/** What the built-in host-metrics feed prints (src/main/feeds/host-metrics.ts documents the units). */
const KNOWN: Record<string, ChartUnit> = {
  cpu: 'percent',
  mem: 'percent',
  rss: 'mib',
  rx: 'kibps',
  tx: 'kibps',
  connections: 'count',
  messages: 'perSecond',
};

const BY_SUFFIX: [RegExp, ChartUnit][] = [
  [/(?:^|[_.-])(?:pct|percent|percentage|util|usage)$|%$/i, 'percent'],
  [/(?:^|[_.-])(?:kbps|kibps|kib_s|kb_s)$/i, 'kibps'],
  [/(?:^|[_.-])(?:mib|mb)$/i, 'mib'],
  [/(?:^|[_.-])bytes$/i, 'bytes'],
  [/(?:^|[_.-])(?:per_s|per_sec|ps|rate|hz)$/i, 'perSecond'],
  [/(?:^|[_.-])(?:count|total|n)$/i, 'count'],
];

const SCALE: Record<ChartUnit, ChartScale> = {
  percent: 'percent',
  mib: 'size',
  bytes: 'size',
  kibps: 'throughput',
  perSecond: 'count',
  count: 'count',
  value: 'value',
};

/** Axes top to bottom; each groups the fields of one scale. */
const SCALE_ORDER: ChartScale[] = ['percent', 'size', 'throughput', 'count', 'value'];

export function unitOf(field: string): ChartUnit {
  const known = KNOWN[field.toLowerCase()];
  if (known) return known;
  for (const [pattern, unit] of BY_SUFFIX) if (pattern.test(field)) return unit;
  return 'value';
}

export interface ChartGroup {
  scale: ChartScale;
  /** Indexes into the feed's fields (and, plus one, into its aligned data). */
  fields: number[];
  /** The distinct units of the group's fields, in field order (for the axis label). */
  units: ChartUnit[];
}

/** The feed's fields grouped by scale, in a fixed order of scales, fields in their first-seen order. */
export function groupFields(fields: readonly string[]): ChartGroup[] {
  const groups = new Map<ChartScale, ChartGroup>();
  fields.forEach((field, i) => {
    const unit = unitOf(field);
    const scale = SCALE[unit];
    let group = groups.get(scale);
    if (!group) groups.set(scale, (group = { scale, fields: [], units: [] }));
    group.fields.push(i);
    if (!group.units.includes(unit)) group.units.push(unit);
  });
  return SCALE_ORDER.flatMap((scale) => groups.get(scale) ?? []);
}

/** The newest number of a series (the legend's value when nothing is hovered), or null if none. */
export function latestValue(series: readonly (number | null | undefined)[]): number | null {
  for (let i = series.length - 1; i >= 0; i--) {
    const value = series[i];
    if (typeof value === 'number') return value;
  }
  return null;
}
