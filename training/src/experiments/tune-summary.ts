import { barChart } from '../charts/bar-chart.ts';
import type { Chart } from '../charts/render.ts';
import { excludesZero, mean, meanInterval, pairedDifference, type Interval } from '../common/statistics.ts';
import type { Column } from '../common/index.ts';
import type { ExperimentConfig } from './config.ts';
import { BASELINE, COMBINED } from './grid.ts';
import type { ExperimentResult } from './run.ts';

/** One variant's runs, one per seed, in the order of the seeds. */
export interface VariantRuns {
  readonly name: string;
  readonly config: ExperimentConfig;
  readonly seeds: readonly number[];
  readonly results: readonly ExperimentResult[];
}

/** A row of the tuning table: a variant over its seeds. Accuracies are fractions; differences are in percentage points. */
export interface TuneRow {
  readonly rank: number;
  readonly name: string;
  /** The settings that differ from the baseline, e.g. "activation: elu". */
  readonly changes: string;
  readonly seeds: number;
  readonly validation: Interval;
  readonly test: Interval;
  /** Per seed, this variant's accuracy minus the baseline's, in points: the 95% interval of the mean difference. */
  readonly validationDifference: Interval;
  readonly testDifference: Interval;
  /** Mean of the epoch with the best validation loss: where training converged. */
  readonly convergedEpoch: number;
  /** Mean epochs trained (the converged epoch plus the patience, or the maximum). */
  readonly epochs: number;
  /** Mean training seconds per run. */
  readonly seconds: number;
  readonly params: number;
  /** Each seed's validation and test accuracy, so every figure above can be recomputed. */
  readonly runs: readonly { readonly seed: number; readonly validation: number; readonly test: number; readonly epochs: number }[];
}

/** The epoch whose validation loss was lowest (1-based; the last epoch when nothing was validated). */
export function convergedEpoch(result: ExperimentResult): number {
  let best = result.history.epochs.at(-1)?.epoch ?? 0;
  let lowest = Infinity;
  for (const e of result.history.epochs) {
    if (e.valLoss !== undefined && e.valLoss < lowest) {
      lowest = e.valLoss;
      best = e.epoch;
    }
  }
  return best;
}

/** The table's rows, ranked by mean validation accuracy; differences are paired seed by seed with the baseline. */
export function summarizeVariants(variants: readonly VariantRuns[]): TuneRow[] {
  const baseline = variants.find((v) => v.name === BASELINE) ?? variants[0]!;
  const accuracy = (v: VariantRuns, split: 'validation' | 'test') => v.results.map((r) => r[split]?.accuracy ?? NaN);
  const points = (values: readonly number[]) => values.map((x) => 100 * x);
  const rows = variants.map((v) => ({
    name: v.name,
    changes: describeChanges(v.config, baseline.config),
    seeds: v.results.length,
    validation: meanInterval(accuracy(v, 'validation')),
    test: meanInterval(accuracy(v, 'test')),
    validationDifference: pairedDifference(points(accuracy(v, 'validation')), points(accuracy(baseline, 'validation'))),
    testDifference: pairedDifference(points(accuracy(v, 'test')), points(accuracy(baseline, 'test'))),
    convergedEpoch: mean(v.results.map(convergedEpoch)),
    epochs: mean(v.results.map((r) => r.epochs)),
    seconds: mean(v.results.map((r) => r.seconds)),
    params: v.results[0]?.params ?? 0,
    runs: v.results.map((r, i) => ({ seed: v.seeds[i]!, validation: r.validation.accuracy, test: r.test?.accuracy ?? NaN, epochs: r.epochs })),
  }));
  return rows.sort((a, b) => b.validation.mean - a.validation.mean).map((r, i) => ({ rank: i + 1, ...r }));
}

/** The variants whose validation accuracy beat the baseline's beyond seed noise (interval above zero), best first. */
export function helpfulVariants(rows: readonly TuneRow[]): TuneRow[] {
  return rows.filter((r) => r.name !== BASELINE && r.name !== COMBINED && r.validationDifference.low > 0);
}

/**
 * The baseline with the changes of every helpful variant. Where two change the same setting (two
 * activations, say), the one with the higher validation accuracy wins.
 */
export function combineVariants(baseline: ExperimentConfig, helpful: readonly TuneRow[], configs: ReadonlyMap<string, ExperimentConfig>): ExperimentConfig {
  const combined: Record<string, unknown> = { ...baseline, name: COMBINED };
  const taken = new Set<string>();
  for (const row of [...helpful].sort((a, b) => b.validation.mean - a.validation.mean)) {
    const config = configs.get(row.name)!;
    for (const key of changedKeys(config, baseline)) {
      if (taken.has(key)) continue;
      taken.add(key);
      combined[key] = config[key];
    }
  }
  return combined as ExperimentConfig;
}

function changedKeys(config: ExperimentConfig, baseline: ExperimentConfig): (keyof ExperimentConfig)[] {
  return (Object.keys(config) as (keyof ExperimentConfig)[]).filter(
    (key) => key !== 'name' && key !== 'epochs' && JSON.stringify(config[key]) !== JSON.stringify(baseline[key]),
  );
}

/** "key: value" for every setting that differs from the baseline ("-" for the baseline itself). */
export function describeChanges(config: ExperimentConfig, baseline: ExperimentConfig): string {
  const show = (value: unknown): string =>
    Array.isArray(value)
      ? value.join('/')
      : typeof value === 'object' && value !== null
        ? Object.entries(value)
            .map(([k, v]) => `${k} ${show(v)}`)
            .join(' ')
        : String(value);
  const keys = changedKeys(config, baseline);
  return keys.length === 0 ? '-' : keys.map((key) => `${key}: ${show(config[key])}`).join(', ');
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
/** "94.31% ± 0.12" (mean ± sample sd, in points), or just the mean for a single seed. */
const spread = (i: Interval) => (Number.isNaN(i.sd) ? percent(i.mean) : `${percent(i.mean)} ± ${(100 * i.sd).toFixed(2)}`);
/** "+0.42 [+0.10, +0.74]", or "-" for the baseline (its difference from itself). */
const difference = (r: TuneRow, i: Interval) =>
  r.name === BASELINE ? '-' : Number.isNaN(i.low) ? signed(i.mean) : `${signed(i.mean)} [${signed(i.low)}, ${signed(i.high)}]`;

/** The table's columns, shared by the terminal and Markdown renderings. */
export const tuneColumns: readonly Column<TuneRow>[] = [
  { header: '#', value: (r) => r.rank, align: 'right' },
  { header: 'Variant', value: (r) => r.name },
  { header: 'Val acc (mean ± sd)', value: (r) => spread(r.validation), align: 'right' },
  { header: 'Val vs baseline, pts [95% CI]', value: (r) => difference(r, r.validationDifference), align: 'right' },
  { header: 'Test acc (mean ± sd)', value: (r) => spread(r.test), align: 'right' },
  { header: 'Test vs baseline, pts [95% CI]', value: (r) => difference(r, r.testDifference), align: 'right' },
  { header: 'Converged (epoch)', value: (r) => r.convergedEpoch.toFixed(1), align: 'right' },
  { header: 'Epochs', value: (r) => r.epochs.toFixed(1), align: 'right' },
  { header: 'Time/run (s)', value: (r) => r.seconds.toFixed(0), align: 'right' },
  { header: 'Params', value: (r) => r.params, align: 'right' },
  { header: 'Changes from the baseline', value: (r) => r.changes },
];

/**
 * What the table says, in words: which differences from the baseline stand out from seed-to-seed
 * noise (their 95% interval excludes zero), on validation (where choices are made) and on test.
 */
export function describeEffects(rows: readonly TuneRow[], seeds: readonly number[]): string[] {
  const others = rows.filter((r) => r.name !== BASELINE);
  const list = (picked: readonly TuneRow[], pick: (r: TuneRow) => Interval) =>
    picked.map((r) => `${r.name} (${signed(pick(r).mean)} [${signed(pick(r).low)}, ${signed(pick(r).high)}])`).join(', ');
  const lines = [
    `Each variant ran with seeds ${seeds.join(', ')} (initial weights, shuffles, augmentation and dropout); a difference is the ` +
      'variant minus the baseline with the same seed, and its interval is the 95% Student t interval of those differences.',
  ];
  if (seeds.length < 2) return [...lines, 'With one seed there is no interval: no effect can be told from noise. Run with at least 2 seeds (3 or more to resolve small effects).'];
  for (const [split, pick] of [
    ['validation', (r: TuneRow) => r.validationDifference],
    ['test', (r: TuneRow) => r.testDifference],
  ] as const) {
    const better = others.filter((r) => pick(r).low > 0);
    const worse = others.filter((r) => pick(r).high < 0);
    const noise = others.filter((r) => !excludesZero(pick(r)));
    lines.push(
      `On ${split} accuracy: ` +
        [
          better.length > 0 ? `better than the baseline beyond noise: ${list(better, pick)}` : 'no variant is better than the baseline beyond noise',
          worse.length > 0 ? `worse beyond noise: ${list(worse, pick)}` : 'none is worse beyond noise',
          noise.length > 0 ? `indistinguishable from the baseline at ${seeds.length} seeds: ${noise.map((r) => r.name).join(', ')}` : '',
        ]
          .filter((s) => s !== '')
          .join('; ') +
        '.',
    );
  }
  return lines;
}

/**
 * The effects chart's axis runs from -limit to +limit points: every interval fits, zero is in the
 * middle, and it spans at least half a point each way (rounded up to a half point), so a difference of
 * a tenth of a point never fills the chart.
 */
export function effectsAxisLimit(rows: readonly TuneRow[]): number {
  const ends = rows
    .filter((r) => r.name !== BASELINE)
    .flatMap((r) => {
      const i = r.validationDifference;
      return Number.isNaN(i.low) ? [i.mean] : [i.low, i.high];
    });
  return Math.ceil(Math.max(0.5, ...ends.map(Math.abs)) * 2) / 2;
}

/**
 * Each variant's difference from the baseline with its 95% interval as error bars. The baseline is
 * the zero line (marked), and the axis is in percentage points and always includes zero, so a
 * tenth of a point looks like a tenth of a point.
 */
export function effectsChart(rows: readonly TuneRow[], title: string): Promise<Chart> {
  const shown = rows.filter((r) => r.name !== BASELINE);
  const half = (i: Interval) => (Number.isNaN(i.high) ? 0 : i.high - i.mean);
  const limit = effectsAxisLimit(shown);
  return barChart(
    shown.map((r) => ({ variant: r.name, difference: r.validationDifference.mean, interval: half(r.validationDifference) })),
    {
      x: 'variant',
      y: 'difference',
      error: 'interval',
      horizontal: true,
      sortByValue: true,
      format: '+.2f',
      axisFormat: '+.1f',
      domain: [-limit, limit],
      reference: { value: 0, label: 'baseline' },
      title,
      xTitle: 'Variant',
      yTitle: 'Validation accuracy minus the baseline (percentage points, 95% CI)',
    },
  );
}
