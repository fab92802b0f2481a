import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trainingCurves } from '../charts/training-curves.ts';
import { writeChart } from '../charts/render.ts';
import { markdownTable, writeFileAtomic } from '../common/index.ts';
import type { DatasetSource, DatasetSplits } from '../data/types.ts';
import type { CreateTrainStep } from '../engine/train-step.ts';
import { loadModel, readModelExtras, saveModel } from '../models/io.ts';
import type { ExperimentConfig } from './config.ts';
import { BASELINE, COMBINED, type Grid } from './grid.ts';
import { runExperiment, type ExperimentResult } from './run.ts';
import {
  combineVariants,
  describeEffects,
  effectsChart,
  helpfulVariants,
  summarizeVariants,
  tuneColumns,
  type TuneRow,
  type VariantRuns,
} from './tune-summary.ts';

/** One training run of the grid: a variant with one seed, trained into its own model directory. */
export interface GridRun {
  readonly variant: string;
  readonly config: ExperimentConfig;
  readonly seed: number;
  readonly dir: string;
  /** Everything the result depends on (config, data, seed): a stored result with the same one is reused. */
  readonly fingerprint: string;
}

/**
 * Trains runs and returns their results in the same order, each model saved in its run's `dir`.
 * The default trains them one after another in this process; `letters tune --queue` hands them
 * to workers on other machines.
 */
export type RunGridRuns = (runs: readonly GridRun[]) => Promise<readonly ExperimentResult[]>;

export interface TuneOptions {
  readonly grid: Grid;
  /** Where the grid came from, for the report. */
  readonly gridFile: string;
  readonly data: DatasetSplits;
  readonly outDir: string;
  /** The first seed; a variant's runs use seed, seed + 1, ... */
  readonly seed: number;
  /** Runs per variant (default: the grid's). */
  readonly seeds?: number;
  /** At most this many epochs per run (default: the grid's). */
  readonly maxEpochs?: number;
  /** How the runs are shared out, for the report (e.g. the planned budget). */
  readonly budget?: string;
  readonly createTrainStep: CreateTrainStep;
  /** Trains the runs not stored yet (default: here, one after another). */
  readonly runRuns?: RunGridRuns;
  readonly quiet?: boolean;
  /** Told about each run as it starts (or is skipped, done earlier). */
  readonly onRun?: (run: GridRun, index: number, total: number, skipped: boolean) => void;
}

export interface TuneReport {
  readonly grid: string;
  readonly budget: string;
  readonly dataset: DatasetSource;
  readonly trainCount: number;
  readonly validationCount: number;
  readonly testCount: number;
  readonly seeds: readonly number[];
  /** Ranked by mean validation accuracy, best first. */
  readonly rows: readonly TuneRow[];
  /** What the table says about noise, in sentences. */
  readonly effects: readonly string[];
  /** The variants whose changes the tuned model combines (empty: none beat the baseline beyond noise). */
  readonly combined: readonly string[];
  /** The tuned model: the combination (or the one helpful variant, or the baseline), its seed with the best validation accuracy. */
  readonly best: { readonly name: string; readonly seed: number; readonly dir: string; readonly result: ExperimentResult };
}

interface StoredResult {
  readonly fingerprint: string;
  readonly result: ExperimentResult;
}

const RESULT_JSON = 'result.json';

/** The seeds of a tuning run: seed, seed + 1, ... */
export function runSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => seed + i);
}

/** The runs of some variants over the seeds; every run of a variant lives under variants/<name>/seed-<seed>. */
export function planRuns(variants: readonly ExperimentConfig[], seeds: readonly number[], data: DatasetSplits, outDir: string, maxEpochs?: number): GridRun[] {
  return variants.flatMap((variant) => {
    const config = maxEpochs === undefined ? variant : { ...variant, epochs: maxEpochs };
    return seeds.map((seed) => ({
      variant: variant.name,
      config,
      seed,
      dir: join(outDir, 'variants', variant.name, `seed-${seed}`),
      fingerprint: JSON.stringify({ config, data: data.source.hash, seed }),
    }));
  });
}

/** Trains runs one after another in this process, each evaluated on the validation and test splits. */
export function localRuns(options: { readonly data: DatasetSplits; readonly createTrainStep: CreateTrainStep; readonly quiet?: boolean }): RunGridRuns {
  return async (runs) => {
    const results: ExperimentResult[] = [];
    for (const run of runs) results.push(await trainRun(run, options));
    return results;
  };
}

/** One run: its model, validation and test metrics (choices use validation only; test is reported). */
export function trainRun(run: GridRun, options: { readonly data: DatasetSplits; readonly createTrainStep: CreateTrainStep; readonly quiet?: boolean }): Promise<ExperimentResult> {
  return runExperiment(run.config, {
    data: options.data,
    outDir: run.dir,
    seed: run.seed,
    createTrainStep: options.createTrainStep,
    evaluateTest: true,
    quiet: options.quiet,
    label: `${run.variant} seed ${run.seed}`,
  });
}

/**
 * Trains every variant of a grid over the same seeds, each until its validation loss stops
 * improving; summarizes each variant by mean, spread and its paired difference from the baseline
 * with a 95% interval; then trains the combination of the variants that beat the baseline on
 * validation beyond noise over the same seeds. Writes results.md, results.json, effects.png (the
 * differences with their intervals), curves.png and the tuned model (best/). Runs whose stored
 * result matches their config, data and seed are not trained again; an interrupted run resumes.
 */
export async function tune(options: TuneOptions): Promise<TuneReport> {
  const { grid, data, outDir } = options;
  const seeds = runSeeds(options.seed, options.seeds ?? grid.seeds);
  const runRuns = options.runRuns ?? localRuns(options);
  const execute = async (variants: readonly ExperimentConfig[]): Promise<VariantRuns[]> => {
    const results = await runAll(planRuns(variants, seeds, data, outDir, options.maxEpochs), runRuns, options.onRun);
    return variants.map((config, v) => ({ name: config.name, config, seeds, results: results.slice(v * seeds.length, (v + 1) * seeds.length) }));
  };

  const variants = await execute(grid.variants);
  const helpfulRows = helpfulVariants(summarizeVariants(variants));
  const helpful = helpfulRows.map((r) => r.name);
  // Two or more helpful variants make a new one, trained over the same seeds; one is its own combination.
  if (helpful.length >= 2) {
    const combined = combineVariants(grid.variants[0]!, helpfulRows, new Map(grid.variants.map((v) => [v.name, v])));
    variants.push(...(await execute([combined])));
  }
  const rows = summarizeVariants(variants);
  const tunedName = helpful.length >= 2 ? COMBINED : (helpful[0] ?? BASELINE);
  const tuned = variants.find((v) => v.name === tunedName)!;
  const bestSeed = tuned.results.reduce((best, r, i) => (r.validation.accuracy > tuned.results[best]!.validation.accuracy ? i : best), 0);
  const best = await saveBest(planRuns([tuned.config], [seeds[bestSeed]!], data, outDir, options.maxEpochs)[0]!, tuned.results[bestSeed]!, outDir);

  const report: TuneReport = {
    grid: options.gridFile,
    budget: options.budget ?? describePlan(grid, seeds.length, options.maxEpochs),
    dataset: data.source,
    trainCount: data.train.count,
    validationCount: data.validation.count,
    testCount: data.test.count,
    seeds,
    rows,
    effects: describeEffects(rows, seeds),
    combined: helpful,
    best,
  };
  await writeFileAtomic(join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'results.md'), tuneMarkdown(report));
  await writeChart(await effectsChart(rows, `Tuning: each variant against the baseline (${report.budget})`), join(outDir, 'effects'));
  const curves = await trainingCurves(
    variants.map((v) => ({ name: v.name, epochs: v.results[0]!.history.epochs })),
    { title: `Tuning: validation curves, seed ${seeds[0]}` },
  );
  await writeChart(curves, join(outDir, 'curves'));
  return report;
}

/** "3 seeds per variant, each to convergence (patience 3, at most 30 epochs)". */
export function describePlan(grid: Grid, seeds: number, maxEpochs?: number): string {
  const runs = `${seeds} seed${seeds === 1 ? '' : 's'} per variant`;
  const cap = maxEpochs ?? grid.convergence?.maxEpochs ?? Math.max(...grid.variants.map((v) => v.epochs));
  return grid.convergence
    ? `${runs}, each to convergence (patience ${grid.convergence.patience}, at most ${cap} epochs)`
    : `${runs}, ${cap} epoch${cap === 1 ? '' : 's'} each`;
}

/** Reuses stored results, hands the rest to `runRuns`, stores what it returns; results in the order of `runs`. */
async function runAll(runs: readonly GridRun[], runRuns: RunGridRuns, onRun: TuneOptions['onRun']): Promise<ExperimentResult[]> {
  const stored = await Promise.all(
    runs.map(async (run) => {
      const found = await readStoredResult(run.dir);
      return found?.fingerprint === run.fingerprint ? found.result : undefined;
    }),
  );
  runs.forEach((run, i) => onRun?.(run, i, runs.length, stored[i] !== undefined));
  const missing = runs.filter((_, i) => stored[i] === undefined);
  const trained = await runRuns(missing);
  await Promise.all(
    missing.map((run, i) => writeFileAtomic(join(run.dir, RESULT_JSON), `${JSON.stringify({ fingerprint: run.fingerprint, result: trained[i]! } satisfies StoredResult, null, 2)}\n`)),
  );
  let next = 0;
  return stored.map((result) => result ?? trained[next++]!);
}

async function readStoredResult(dir: string): Promise<StoredResult | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, RESULT_JSON), 'utf8')) as StoredResult;
  } catch {
    return undefined;
  }
}

/** Copies the tuned model's run to best/ (the model other stages export), its test metrics beside it. */
async function saveBest(run: GridRun, result: ExperimentResult, outDir: string): Promise<TuneReport['best']> {
  const model = await loadModel(run.dir);
  const dir = join(outDir, 'best');
  await saveModel(model, dir, { ...(await readModelExtras(run.dir)), ...(result.test ? { metrics: result.test } : {}) });
  model.dispose();
  return { name: run.variant, seed: run.seed, dir, result };
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

export function tuneMarkdown(report: TuneReport): string {
  const synthetic = report.dataset.synthetic ? '\n> **Synthetic data**: numbers are not comparable to EMNIST.\n' : '';
  const test = report.best.result.test;
  return [
    '# Tuning results',
    synthetic,
    `- Grid: \`${report.grid}\``,
    `- Runs: **${report.budget}**`,
    `- Data: ${report.dataset.description} (\`${report.dataset.name}\`, sha256 ${report.dataset.hash.slice(0, 12)}): ` +
      `${report.trainCount} train, ${report.validationCount} validation, ${report.testCount} test images`,
    '- Ranked by mean validation accuracy; ± is the sample standard deviation over seeds; differences are in percentage points against the `baseline` variant, paired by seed.',
    '',
    markdownTable(report.rows, tuneColumns),
    '',
    ...report.effects.flatMap((line) => [line, '']),
    report.combined.length === 0
      ? 'No variant beat the baseline on validation beyond noise, so the tuned model is the baseline.'
      : `The tuned model (\`${report.best.name}\`) combines ${report.combined.join(', ')}: the variants whose validation interval lies above zero.`,
    '',
    `Tuned model: **${report.best.name}**, seed ${report.best.seed} (best validation accuracy of its seeds)` +
      (test ? `, test accuracy ${percent(test.accuracy)} (loss ${test.loss.toFixed(4)}, ${test.count} images)` : '') +
      `, saved in \`${report.best.dir}\`.`,
    '',
  ].join('\n');
}
