import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LettersError, writeFileAtomic } from '../common/index.ts';
import { stratifiedSample } from '../data/split.ts';
import type { DatasetSplits } from '../data/types.ts';
import type { CreateTrainStep } from '../engine/train-step.ts';
import { fit } from '../fit/fit.ts';
import { createOptimizer } from '../fit/optimizers.ts';
import { buildModel } from '../models/build.ts';
import type { ExperimentConfig } from './config.ts';
import type { Grid } from './grid.ts';

/** How many runs, and how long each, a time budget allows. */
export interface BudgetPlan {
  readonly minutes: number;
  readonly seeds: number;
  readonly maxEpochs: number;
  /** The plan's predicted minutes of training, from the probe. */
  readonly predictedMinutes: number;
  /** Measured seconds per full epoch (training and validation) of each variant. */
  readonly epochSeconds: Readonly<Record<string, number>>;
  /** Measured seconds each run of a variant spends once, before its first epoch (building its training graph). */
  readonly setupSeconds: Readonly<Record<string, number>>;
  /**
   * Training images per run, when even one epoch of the whole split over 2 seeds does not fit: the
   * runs tune on a seeded sample of this size (validation sampled in proportion; see tuningSample).
   */
  readonly images?: number;
}

/** Fewer training images than this tell nothing: below it, a budget is refused instead. */
const MIN_IMAGES = 500;

/** What the probe measured of each variant, by name. */
export interface ProbeTimes {
  readonly epochSeconds: Record<string, number>;
  readonly setupSeconds: Record<string, number>;
}

/** Images each variant trains on in the probe: enough batches to time, a few seconds in all. */
const PROBE_IMAGES = 256;

/**
 * Seconds per epoch of each variant on this data, and its one-off setup, measured: two epochs of
 * each on a seeded sample of the training split (validating on a sample in the same proportion).
 * The second epoch, scaled to the full splits, is the epoch time; what the first took beyond it is
 * the run's setup (building the training graph), paid once per run and not scaled: scaling it with
 * the epoch overestimated runs several times over. A first, discarded probe warms the backend up.
 */
export async function probeEpochSeconds(variants: readonly ExperimentConfig[], data: DatasetSplits, createTrainStep: CreateTrainStep): Promise<ProbeTimes> {
  const trainImages = Math.min(PROBE_IMAGES, data.train.count);
  const train = stratifiedSample(data.train, trainImages, 1);
  const validation = stratifiedSample(data.validation, Math.max(1, Math.round((trainImages * data.validation.count) / data.train.count)), 1);
  const time = async (config: ExperimentConfig) => {
    const model = buildModel(config, { numClasses: data.train.numClasses, height: data.train.height, width: data.train.width, seed: 1 });
    const optimizer = createOptimizer({ name: config.optimizer, learningRate: config.learningRate });
    const ends: number[] = [];
    const started = performance.now();
    await fit(model, train, {
      epochs: 2,
      batchSize: config.batchSize,
      seed: 1,
      optimizer,
      createTrainStep,
      validation,
      augmentation: config.augmentation || undefined,
      callbacks: [{ onEpochEnd: () => void ends.push(performance.now()) }],
    });
    model.dispose();
    optimizer.dispose();
    const epoch = (ends[1]! - ends[0]!) / 1000;
    return { epoch: (epoch * data.train.count) / train.count, setup: Math.max(0, (ends[0]! - started) / 1000 - epoch) };
  };
  await time(variants[0]!);
  const measured: ProbeTimes = { epochSeconds: {}, setupSeconds: {} };
  for (const variant of variants) {
    const { epoch, setup } = await time(variant);
    measured.epochSeconds[variant.name] = epoch;
    measured.setupSeconds[variant.name] = setup;
  }
  return measured;
}

/**
 * The most work that fits `minutes`: every variant over the grid's seeds up to its epoch limit,
 * plus a reserve for the combined variant (as costly as the costliest). When that does not fit,
 * fewer epochs first, down to the patience plus two (so convergence can still be seen); then 2
 * seeds (the fewest that give an interval); then fewer epochs again, down to 1; then (given the
 * training split's size) fewer training images, one epoch each. Planning, not a timer: no run is
 * cut short.
 */
export function planBudget(
  grid: Grid,
  minutes: number,
  epochSeconds: Readonly<Record<string, number>>,
  setupSeconds: Readonly<Record<string, number>> = {},
  trainImages?: number,
): BudgetPlan {
  // Per seed: every variant's setup once and its epochs, and the same again for the costliest (the combination's reserve).
  const overSeed = (seconds: Readonly<Record<string, number>>) => {
    const costs = grid.variants.map((v) => seconds[v.name] ?? 0);
    return costs.reduce((a, b) => a + b, 0) + Math.max(...costs);
  };
  const perEpochOverSeeds = overSeed(epochSeconds);
  const setupPerSeed = overSeed(setupSeconds);
  const cap = grid.convergence?.maxEpochs ?? Math.max(...grid.variants.map((v) => v.epochs));
  const useful = Math.min(cap, (grid.convergence?.patience ?? 0) + 2);
  const epochsFitting = (seeds: number) => Math.min(cap, Math.floor((minutes * 60 - seeds * setupPerSeed) / (seeds * perEpochOverSeeds)));
  const plan = (seeds: number, maxEpochs: number, share = 1): BudgetPlan => ({
    minutes,
    seeds,
    maxEpochs,
    predictedMinutes: (seeds * (setupPerSeed + maxEpochs * share * perEpochOverSeeds)) / 60,
    epochSeconds,
    setupSeconds,
    ...(share < 1 ? { images: Math.round(share * trainImages!) } : {}),
  });
  for (const seeds of grid.seeds > 2 ? [grid.seeds, 2] : [grid.seeds]) {
    if (epochsFitting(seeds) >= useful) return plan(seeds, epochsFitting(seeds));
  }
  const seeds = Math.min(2, grid.seeds);
  if (epochsFitting(seeds) >= 1) return plan(seeds, epochsFitting(seeds));
  // An epoch's time grows with its images (validation sampled in proportion): the share of one that fits.
  const share = (minutes * 60 - seeds * setupPerSeed) / (seeds * perEpochOverSeeds);
  if (trainImages !== undefined && share * trainImages >= MIN_IMAGES) return plan(seeds, 1, Math.floor(share * trainImages) / trainImages);
  const needed = (seeds * (setupPerSeed + perEpochOverSeeds)) / 60;
  throw new LettersError(
    `--budget-minutes ${minutes}: one epoch of each of the ${grid.variants.length} variants (and their combination) over ${seeds} seeds takes about ` +
      `${needed.toFixed(1)} minutes here; give at least ${Math.ceil(needed)}` +
      (trainImages === undefined ? ', or fewer images (--limit)' : ` (at ${MIN_IMAGES} of its training images, the fewest it plans, ${Math.ceil((needed * MIN_IMAGES) / trainImages)})`),
    { kind: 'usage' },
  );
}

/** "planned for 4 min: 2 seeds, at most 3 epochs per run (predicted 3.6 min)". */
export function describeBudgetPlan(plan: BudgetPlan): string {
  const images = plan.images === undefined ? '' : ` on a sample of ${plan.images} training images`;
  return `planned for ${plan.minutes} min: ${plan.seeds} seeds per variant, at most ${plan.maxEpochs} epoch${plan.maxEpochs === 1 ? '' : 's'} per run${images} (predicted ${plan.predictedMinutes.toFixed(1)} min)`;
}

/**
 * The splits a plan tunes on: the data itself, or with `images` seeded stratified samples of the
 * training split and, in the same proportion, of the validation split (the test split stays whole).
 * Its hash differs from the data's, so runs on a sample are never taken for runs on the whole.
 */
export function tuningSample(data: DatasetSplits, images: number | undefined): DatasetSplits {
  if (images === undefined || images >= data.train.count) return data;
  const train = stratifiedSample(data.train, images, 1);
  const validation = stratifiedSample(data.validation, Math.max(1, Math.round((images * data.validation.count) / data.train.count)), 1);
  return {
    ...data,
    train,
    validation,
    source: {
      ...data.source,
      description: `${data.source.description}; tuning on a seeded sample of ${train.count} training and ${validation.count} validation images`,
      hash: createHash('sha256').update(`${data.source.hash}:tuning sample of ${images}`).digest('hex'),
    },
  };
}

/**
 * The plan for this grid, data and budget: the one stored in `outDir` when they match (a rerun
 * must plan the same runs to reuse them, though the probe would time a little differently), else
 * probed and planned afresh, and stored.
 */
export async function budgetPlan(options: {
  readonly grid: Grid;
  readonly data: DatasetSplits;
  readonly minutes: number;
  readonly outDir: string;
  readonly createTrainStep: CreateTrainStep;
}): Promise<BudgetPlan> {
  const file = join(options.outDir, 'plan.json');
  const key = JSON.stringify({ variants: options.grid.variants, seeds: options.grid.seeds, data: options.data.source.hash, minutes: options.minutes });
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { key: string; plan: BudgetPlan };
    if (stored.key === key) return stored.plan;
  } catch {
    // No plan yet, or an unreadable one: plan again.
  }
  const probed = await probeEpochSeconds(options.grid.variants, options.data, options.createTrainStep);
  const plan = planBudget(options.grid, options.minutes, probed.epochSeconds, probed.setupSeconds, options.data.train.count);
  await writeFileAtomic(file, `${JSON.stringify({ key, plan }, null, 2)}\n`);
  return plan;
}
