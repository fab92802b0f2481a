import * as tf from '@tensorflow/tfjs';
import { progressBar, type Progress } from '../common/index.ts';
import { mean, meanInterval, standardDeviation, type Interval } from '../common/statistics.ts';
import { stratifiedKFold, subsetImageSet } from '../data/split.ts';
import type { ImageSet } from '../data/types.ts';
import { createLocalTrainStep } from '../engine/local-train-step.ts';
import type { CreateTrainStep } from '../engine/train-step.ts';
import type { AugmentationConfig } from '../fit/augment.ts';
import { sliceBatch } from '../fit/batches.ts';
import type { Callback } from '../fit/callback.ts';
import { evaluateModel } from '../fit/evaluate.ts';
import { fit, type FitResult } from '../fit/fit.ts';
import { createOptimizer } from '../fit/optimizers.ts';
import { hasFrozenBatchNorm, prepareModel, type MethodPlan, type TransferMethod } from './methods.ts';

/** One method's cross-validated result: a row of transfer.json. */
export interface TransferRow {
  readonly method: TransferMethod;
  /** Mean of the held-out accuracies over every fold and seed. */
  readonly meanAccuracy: number;
  /** Sample standard deviation (n - 1) of the per-fold accuracies (each the mean over seeds). */
  readonly stdAccuracy: number;
  /** Held-out accuracy of each fold (mean over seeds), in fold order. */
  readonly folds: readonly number[];
  /** Cross-validated accuracy of each seed (mean over folds), with its 95% t interval over seeds. */
  readonly seeds: Interval & { readonly values: readonly number[] };
  /** Held-out accuracy of every fold with every seed: [seed][fold]. */
  readonly runs: readonly (readonly number[])[];
  /** Mean held-out cross-entropy over the folds. */
  readonly meanLoss: number;
  /** What was trained: the plan (layers, learning rate, epochs). */
  readonly plan: MethodPlan;
  /** Every image predicted once, by the model of the fold that held it out: [true][predicted]. */
  readonly confusion: readonly (readonly number[])[];
}

export interface CrossValidateOptions {
  readonly baseDir: string;
  readonly plans: readonly MethodPlan[];
  readonly k: number;
  /** Seeds the folds, and the training of the first seed. */
  readonly seed: number;
  /** Trainings per fold and method, seeds seed, seed + 1, ... (default 1). */
  readonly seeds?: number;
  readonly batchSize: number;
  readonly createTrainStep: CreateTrainStep;
  readonly augmentation?: AugmentationConfig;
  /** The hash of the images' dataset, part of what each training's result depends on. */
  readonly dataHash: string;
  /** Trains the folds (default: here, one after another, with a progress bar). */
  readonly runFolds?: RunFolds;
  readonly quiet?: boolean;
  /** One line per finished fold (default: stderr). */
  readonly log?: (line: string) => void;
}

/**
 * One training of the cross-validation: a method on one fold with one seed. It holds everything its
 * result depends on, so any machine with the same images and base model reproduces it.
 */
export interface FoldRun {
  readonly plan: MethodPlan;
  /** 0-based fold, of `folds`. */
  readonly fold: number;
  readonly folds: number;
  /** The cross-validation's seed this training belongs to (a row's "seed" column). */
  readonly runSeed: number;
  /** The training's own seed (weights of scratch, shuffles, augmentation, dropout). */
  readonly seed: number;
  /** Indices into the images: what the fold trains on and what it holds out. */
  readonly train: readonly number[];
  readonly heldOut: readonly number[];
  readonly baseDir: string;
  readonly batchSize: number;
  readonly augmentation?: AugmentationConfig;
  /** The images' dataset hash. */
  readonly dataHash: string;
}

/** What a fold's training scored on its held-out images. */
export interface FoldResult {
  readonly accuracy: number;
  readonly loss: number;
  /** The predicted class of every held-out image, in the order of `heldOut`. */
  readonly predicted: readonly number[];
}

/**
 * Trains fold runs and returns their results in the same order. The default trains them one after
 * another in this process; `letters transfer --queue` hands them to workers on other machines.
 */
export type RunFolds = (runs: readonly FoldRun[]) => Promise<readonly FoldResult[]>;

/**
 * Seeded, stratified k-fold cross-validation of each transfer method on the same folds, each fold
 * trained once per seed: every fold trains a fresh model on k-1 parts and scores the held-out part,
 * so each image is predicted exactly once per method and seed. The held-out part never guides
 * training (no early stopping).
 */
export async function crossValidate(set: ImageSet, options: CrossValidateOptions): Promise<TransferRow[]> {
  const folds = stratifiedKFold(set.labels, options.k, options.seed);
  const seeds = Array.from({ length: options.seeds ?? 1 }, (_, i) => options.seed + i);
  const runs = options.plans.flatMap((plan) =>
    seeds.flatMap((seed) =>
      folds.map(
        (fold, i): FoldRun => ({
          plan,
          fold: i,
          folds: folds.length,
          runSeed: seed,
          // The same seed per fold for every method: differences come from the method, not the draw.
          // Seeds of a fold's trainings are k apart, so no two trainings share one.
          seed: seed + i * seeds.length,
          // Plain arrays: a run travels as JSON to workers.
          train: Array.from(fold.train),
          heldOut: Array.from(fold.validation),
          baseDir: options.baseDir,
          batchSize: options.batchSize,
          ...(options.augmentation ? { augmentation: options.augmentation } : {}),
          dataHash: options.dataHash,
        }),
      ),
    ),
  );
  const results = await (options.runFolds ?? localFolds(set, options))(runs);
  return options.plans.map((plan, p) => {
    const perPlan = folds.length * seeds.length;
    const mine = results.slice(p * perPlan, (p + 1) * perPlan);
    const planRuns = runs.slice(p * perPlan, (p + 1) * perPlan);
    const confusion = Array.from({ length: set.numClasses }, () => new Array<number>(set.numClasses).fill(0));
    planRuns.forEach((run, r) => mine[r]!.predicted.forEach((predicted, j) => confusion[set.labels[run.heldOut[j]!]!]![predicted]!++));
    // [seed][fold]
    const accuracies = seeds.map((_, s) => mine.slice(s * folds.length, (s + 1) * folds.length).map((r) => r.accuracy));
    const foldMeans = folds.map((_, i) => mean(accuracies.map((r) => r[i]!)));
    const seedMeans = accuracies.map(mean);
    return {
      method: plan.method,
      meanAccuracy: mean(accuracies.flat()),
      stdAccuracy: standardDeviation(foldMeans),
      folds: foldMeans,
      seeds: { ...meanInterval(seedMeans), values: seedMeans },
      runs: accuracies,
      meanLoss: mean(mine.map((r) => r.loss)),
      plan,
      confusion,
    };
  });
}

/** Trains fold runs one after another in this process, with one progress bar over all of them. */
export function localFolds(set: ImageSet, options: Pick<CrossValidateOptions, 'createTrainStep' | 'quiet' | 'log'>): RunFolds {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return async (runs) => {
    const total = runs.reduce((sum, run) => sum + run.plan.epochs * run.train.length, 0);
    const bar = progressBar({ label: 'transfer', total: Math.max(1, total), unit: 'images', quiet: options.quiet });
    const results: FoldResult[] = [];
    try {
      for (const run of runs) {
        const result = await trainFoldRun(set, run, options.createTrainStep, progressTicker(bar, foldLabel(run)));
        log(`${foldLabel(run)}: held-out accuracy ${result.accuracy.toFixed(4)} (${run.heldOut.length} images)`);
        results.push(result);
      }
    } finally {
      bar.stop();
    }
    return results;
  };
}

/** "fine-tune fold 2/5, seed 43". */
export function foldLabel(run: Pick<FoldRun, 'plan' | 'fold' | 'folds' | 'runSeed'>): string {
  return `${run.plan.method} fold ${run.fold + 1}/${run.folds}, seed ${run.runSeed}`;
}

/** Trains one fold run on its training images and scores its held-out images. */
export async function trainFoldRun(set: ImageSet, run: FoldRun, createTrainStep: CreateTrainStep, ...callbacks: Callback[]): Promise<FoldResult> {
  const heldOut = subsetImageSet(set, run.heldOut);
  const options = { baseDir: run.baseDir, batchSize: run.batchSize, createTrainStep, ...(run.augmentation ? { augmentation: run.augmentation } : {}) };
  const { model } = await trainFold(run.plan, subsetImageSet(set, run.train), run.seed, options, ...callbacks);
  try {
    const metrics = await evaluateModel(model, heldOut, 'test');
    return { accuracy: metrics.accuracy, loss: metrics.loss, predicted: await predictClasses(model, heldOut) };
  } finally {
    model.dispose();
  }
}

/** Prepares the method's model and trains it on `train` (zero-shot: as is). */
export async function trainFold(
  plan: MethodPlan,
  train: ImageSet,
  seed: number,
  options: Pick<CrossValidateOptions, 'baseDir' | 'batchSize' | 'createTrainStep' | 'augmentation'>,
  ...callbacks: Callback[]
): Promise<{ model: tf.LayersModel; history?: FitResult }> {
  const model = await prepareModel(plan, options.baseDir, seed);
  if (plan.epochs === 0) return { model };
  const optimizer = createOptimizer({ name: 'adam', learningRate: plan.learningRate });
  // Data-parallel workers rebuild the model from its topology, without the frozen BatchNorm
  // layers' inference-mode override: such a model trains in this thread.
  const createTrainStep = hasFrozenBatchNorm(model) ? createLocalTrainStep : options.createTrainStep;
  try {
    const history = await fit(model, train, {
      epochs: plan.epochs,
      batchSize: options.batchSize,
      seed,
      optimizer,
      createTrainStep,
      ...(options.augmentation ? { augmentation: options.augmentation } : {}),
      callbacks,
    });
    return { model, history };
  } finally {
    optimizer.dispose();
  }
}

/** Advances the overall bar per batch, showing which method and fold is running. */
function progressTicker(bar: Progress, label: string): Callback {
  return { onBatchEnd: (log) => bar.tick(log.size, { [`${label} loss`]: log.loss }) };
}

/** The argmax class of every image of a set. */
async function predictClasses(model: tf.LayersModel, set: ImageSet, batchSize = 256): Promise<number[]> {
  const out: number[] = [];
  for (let start = 0; start < set.count; start += batchSize) {
    const batch = sliceBatch(set, start, Math.min(set.count, start + batchSize));
    const classes = tf.tidy(() => {
      const x = tf.tensor4d(batch.images, [batch.size, batch.height, batch.width, 1]);
      return tf.argMax(model.predict(x) as tf.Tensor2D, -1);
    });
    out.push(...(await classes.data()));
    classes.dispose();
  }
  return out;
}

