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
  readonly quiet?: boolean;
  /** One line per finished fold (default: stderr). */
  readonly log?: (line: string) => void;
}

/**
 * Seeded, stratified k-fold cross-validation of each transfer method on the same folds, each fold
 * trained once per seed: every fold trains a fresh model on k-1 parts and scores the held-out part,
 * so each image is predicted exactly once per method and seed. The held-out part never guides
 * training (no early stopping).
 */
export async function crossValidate(set: ImageSet, options: CrossValidateOptions): Promise<TransferRow[]> {
  const folds = stratifiedKFold(set.labels, options.k, options.seed);
  const seeds = Array.from({ length: options.seeds ?? 1 }, (_, i) => options.seed + i);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const trainImages = folds.reduce((sum, fold) => sum + fold.train.length, 0);
  const total = options.plans.reduce((sum, plan) => sum + plan.epochs * trainImages * seeds.length, 0);
  const bar = progressBar({ label: 'transfer', total: Math.max(1, total), unit: 'images', quiet: options.quiet });
  const rows: TransferRow[] = [];
  try {
    for (const plan of options.plans) {
      const runs: number[][] = [];
      const losses: number[] = [];
      const confusion = Array.from({ length: set.numClasses }, () => new Array<number>(set.numClasses).fill(0));
      for (const seed of seeds) {
        const accuracies: number[] = [];
        for (const [i, fold] of folds.entries()) {
          const heldOut = subsetImageSet(set, fold.validation);
          // The same seed per fold for every method: differences come from the method, not the draw.
          // Seeds of a fold's trainings are k apart, so no two trainings share one.
          const label = `${plan.method} ${i + 1}/${folds.length}${seeds.length > 1 ? ` seed ${seed}` : ''}`;
          const { model } = await trainFold(plan, subsetImageSet(set, fold.train), seed + i * seeds.length, options, progressTicker(bar, label));
          const metrics = await evaluateModel(model, heldOut, 'test');
          const predicted = await predictClasses(model, heldOut);
          model.dispose();
          predicted.forEach((p, j) => confusion[heldOut.labels[j]!]![p]!++);
          accuracies.push(metrics.accuracy);
          losses.push(metrics.loss);
          log(`${plan.method} fold ${i + 1}/${folds.length}${seeds.length > 1 ? `, seed ${seed}` : ''}: held-out accuracy ${metrics.accuracy.toFixed(4)} (${heldOut.count} images)`);
        }
        runs.push(accuracies);
      }
      const foldMeans = folds.map((_, i) => mean(runs.map((r) => r[i]!)));
      const seedMeans = runs.map(mean);
      rows.push({
        method: plan.method,
        meanAccuracy: mean(runs.flat()),
        stdAccuracy: standardDeviation(foldMeans),
        folds: foldMeans,
        seeds: { ...meanInterval(seedMeans), values: seedMeans },
        runs,
        meanLoss: mean(losses),
        plan,
        confusion,
      });
    }
  } finally {
    bar.stop();
  }
  return rows;
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

