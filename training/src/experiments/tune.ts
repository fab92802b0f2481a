import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trainingCurves } from '../charts/training-curves.ts';
import { writeChart } from '../charts/render.ts';
import { markdownTable, writeFileAtomic, type Column } from '../common/index.ts';
import type { DatasetSource, DatasetSplits } from '../data/types.ts';
import type { CreateTrainStep } from '../engine/train-step.ts';
import { evaluateModel } from '../fit/evaluate.ts';
import { loadModel, readModelExtras, saveModel, type EvaluationMetrics } from '../models/io.ts';
import type { ExperimentConfig } from './config.ts';
import { BASELINE, type Grid } from './grid.ts';
import { runExperiment, type ExperimentResult } from './run.ts';

/** How much training each variant gets: the same for all, so the comparison is fair. */
export type TuneBudget = { readonly epochs: number } | { readonly minutes: number };

export interface TuneOptions {
  readonly grid: Grid;
  /** Where the grid came from, for the report. */
  readonly gridFile: string;
  readonly data: DatasetSplits;
  readonly outDir: string;
  readonly seed: number;
  readonly budget: TuneBudget;
  readonly createTrainStep: CreateTrainStep;
  readonly quiet?: boolean;
  /** Told about each variant as it starts (or is skipped). */
  readonly onVariant?: (name: string, index: number, total: number, skipped: boolean) => void;
}

export interface TuneRow {
  readonly rank: number;
  readonly name: string;
  /** The settings that differ from the baseline, e.g. "activation: elu". */
  readonly changes: string;
  readonly valAccuracy: number;
  readonly valLoss: number;
  /** Validation accuracy minus the baseline's, in percentage points. */
  readonly deltaAccuracyPoints: number;
  readonly deltaLoss: number;
  readonly trainAccuracy: number;
  readonly epochs: number;
  readonly seconds: number;
  readonly params: number;
  readonly stopReason?: string;
}

export interface TuneReport {
  readonly grid: string;
  readonly budget: string;
  readonly dataset: DatasetSource;
  readonly trainCount: number;
  readonly validationCount: number;
  readonly seed: number;
  /** Ranked by validation accuracy, best first. */
  readonly rows: readonly TuneRow[];
  readonly best: { readonly name: string; readonly dir: string; readonly test: EvaluationMetrics };
}

interface StoredResult {
  readonly fingerprint: string;
  readonly result: ExperimentResult;
}

const RESULT_JSON = 'result.json';

export function describeBudget(budget: TuneBudget, grid: Grid): string {
  if ('epochs' in budget) return `${budget.epochs} epoch${budget.epochs === 1 ? '' : 's'} per variant`;
  const cap = Math.max(...grid.variants.map((v) => v.epochs));
  return `${budget.minutes} min per variant (at most ${cap} epochs)`;
}

/**
 * Trains every variant of a grid on the train split, scores it on the validation split, and
 * writes the ranked table (results.md, results.json), training curves (curves.png) and the best
 * model, evaluated once on the test split (best/). A variant whose result.json matches its config,
 * data, seed and budget is not trained again; an interrupted variant resumes.
 */
export async function tune(options: TuneOptions): Promise<TuneReport> {
  const { grid, data, outDir, budget } = options;
  const results: ExperimentResult[] = [];
  for (const [index, variant] of grid.variants.entries()) {
    const config: ExperimentConfig = 'epochs' in budget ? { ...variant, epochs: budget.epochs } : variant;
    const dir = variantDir(outDir, variant.name);
    const fingerprint = JSON.stringify({ config, data: data.source.hash, seed: options.seed, budget });
    const stored = await readStoredResult(dir);
    options.onVariant?.(variant.name, index, grid.variants.length, stored?.fingerprint === fingerprint);
    if (stored?.fingerprint === fingerprint) {
      results.push(stored.result);
      continue;
    }
    const result = await runExperiment(config, {
      data,
      outDir: dir,
      seed: options.seed,
      createTrainStep: options.createTrainStep,
      evaluateTest: false,
      quiet: options.quiet,
      label: variant.name,
      ...('minutes' in budget ? { timeLimitSeconds: budget.minutes * 60 } : {}),
    });
    await writeFileAtomic(join(dir, RESULT_JSON), `${JSON.stringify({ fingerprint, result } satisfies StoredResult, null, 2)}\n`);
    results.push(result);
  }

  const rows = rankResults(results);
  const best = await saveBest(rows[0].name, outDir, data);
  const report: TuneReport = {
    grid: options.gridFile,
    budget: describeBudget(budget, grid),
    dataset: data.source,
    trainCount: data.train.count,
    validationCount: data.validation.count,
    seed: options.seed,
    rows,
    best,
  };
  await writeFileAtomic(join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'results.md'), tuneMarkdown(report));
  const chart = await trainingCurves(
    results.map((r) => ({ name: r.name, epochs: r.history.epochs })),
    { title: `Tuning: validation curves (${report.budget})` },
  );
  await writeChart(chart, join(outDir, 'curves'));
  return report;
}

export function variantDir(outDir: string, name: string): string {
  return join(outDir, 'variants', name);
}

async function readStoredResult(dir: string): Promise<StoredResult | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, RESULT_JSON), 'utf8')) as StoredResult;
  } catch {
    return undefined;
  }
}

/** Rows ranked by validation accuracy, with differences from the baseline. */
export function rankResults(results: readonly ExperimentResult[]): TuneRow[] {
  const baseline = results.find((r) => r.name === BASELINE) ?? results[0];
  return [...results]
    .sort((a, b) => b.validation.accuracy - a.validation.accuracy)
    .map((r, i) => ({
      rank: i + 1,
      name: r.name,
      changes: describeChanges(r.config, baseline.config),
      valAccuracy: r.validation.accuracy,
      valLoss: r.validation.loss,
      deltaAccuracyPoints: 100 * (r.validation.accuracy - baseline.validation.accuracy),
      deltaLoss: r.validation.loss - baseline.validation.loss,
      trainAccuracy: r.train.accuracy,
      epochs: r.epochs,
      seconds: r.seconds,
      params: r.params,
      ...(r.history.stopReason ? { stopReason: r.history.stopReason } : {}),
    }));
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
  const keys = (Object.keys(config) as (keyof ExperimentConfig)[]).filter(
    (key) => key !== 'name' && key !== 'epochs' && JSON.stringify(config[key]) !== JSON.stringify(baseline[key]),
  );
  return keys.length === 0 ? '-' : keys.map((key) => `${key}: ${show(config[key])}`).join(', ');
}

async function saveBest(name: string, outDir: string, data: DatasetSplits): Promise<TuneReport['best']> {
  const from = variantDir(outDir, name);
  const model = await loadModel(from);
  const test = await evaluateModel(model, data.test, 'test');
  const dir = join(outDir, 'best');
  await saveModel(model, dir, { ...(await readModelExtras(from)), metrics: test });
  model.dispose();
  return { name, dir, test };
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** The table's columns, shared by the terminal and Markdown renderings. */
export const tuneColumns: readonly Column<TuneRow>[] = [
  { header: '#', value: (r) => r.rank, align: 'right' },
  { header: 'Variant', value: (r) => r.name },
  { header: 'Val acc', value: (r) => percent(r.valAccuracy), align: 'right' },
  { header: 'vs baseline (pts)', value: (r) => signed(r.deltaAccuracyPoints, 2), align: 'right' },
  { header: 'Val loss', value: (r) => r.valLoss, align: 'right' },
  { header: 'vs baseline', value: (r) => signed(r.deltaLoss, 4), align: 'right' },
  { header: 'Epochs', value: (r) => r.epochs, align: 'right' },
  { header: 'Time (s)', value: (r) => r.seconds.toFixed(0), align: 'right' },
  { header: 'Params', value: (r) => r.params, align: 'right' },
  { header: 'Changes from the baseline', value: (r) => r.changes },
];

export function tuneMarkdown(report: TuneReport): string {
  const synthetic = report.dataset.synthetic ? '\n> **Synthetic data**: numbers are not comparable to EMNIST.\n' : '';
  return [
    '# Tuning results',
    synthetic,
    `- Grid: \`${report.grid}\``,
    `- Budget: **${report.budget}**`,
    `- Data: ${report.dataset.description} (\`${report.dataset.name}\`, sha256 ${report.dataset.hash.slice(0, 12)}): ` +
      `${report.trainCount} train, ${report.validationCount} validation images; seed ${report.seed}`,
    '- Ranked by validation accuracy; differences are against the `baseline` variant.',
    '',
    markdownTable(report.rows, tuneColumns),
    '',
    `Best: **${report.best.name}**, test accuracy ${percent(report.best.test.accuracy)} ` +
      `(loss ${report.best.test.loss.toFixed(4)}, ${report.best.test.count} images), saved in \`${report.best.dir}\`.`,
    '',
  ].join('\n');
}
