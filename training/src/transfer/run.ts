import { join } from 'node:path';
import { LettersError } from '../common/index.ts';
import { stratifiedKFold } from '../data/split.ts';
import type { ImageSet } from '../data/types.ts';
import { createTrainStep as defaultTrainStep } from '../engine/index.ts';
import type { CreateTrainStep } from '../engine/train-step.ts';
import type { AugmentationConfig } from '../fit/augment.ts';
import { evaluateModel } from '../fit/evaluate.ts';
import { loadModel, readModelExtras, saveModel } from '../models/index.ts';
import { crossValidate, trainFold, type RunFolds } from './cross-validate.ts';
import { loadTransferData } from './data.ts';
import { checkBaseModel, planMethod, TRANSFER_METHODS, type TransferMethod } from './methods.ts';
import { writeTransferReport, type TransferReport } from './report.ts';

export interface TransferOptions {
  /** Model directory of the EMNIST Letters model (28x28x1 in, 27 classes out). */
  readonly base: string;
  /** binaryalphadigits.npz, binaryalphadigs.mat, or a folder holding one. */
  readonly data: string;
  /** Output folder: transfer.json, transfer.md, transfer-figures/, and the final model in transfer/. */
  readonly out: string;
  readonly methods?: readonly TransferMethod[];
  readonly k?: number;
  readonly seed?: number;
  /** Trainings per method and fold, with seeds seed, seed + 1, ... (default 1). */
  readonly seeds?: number;
  /** Epochs of every trained method. */
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Conv/Dense layers fine-tuning unfreezes, counted from the output (default: all). */
  readonly fineTuneLayers?: number;
  readonly learningRate?: number;
  readonly fineTuneLearningRate?: number;
  /** On-the-fly augmentation of the training folds, never of held-out images (default DEFAULT_AUGMENTATION; false: none). */
  readonly augmentation?: AugmentationConfig | false;
  readonly createTrainStep?: CreateTrainStep;
  /** Trains the cross-validation's folds (default: here, one after another). */
  readonly runFolds?: RunFolds;
  readonly quiet?: boolean;
  readonly log?: (line: string) => void;
}

export const TRANSFER_DEFAULTS = {
  methods: TRANSFER_METHODS,
  k: 5,
  seed: 42,
  seeds: 1,
  epochs: 20,
  batchSize: 32,
  learningRate: 1e-3,
  fineTuneLearningRate: 3e-4,
} as const;

/** Light, seeded warps of the training folds: Binary AlphaDigits has only ~31 training images per letter and fold. */
export const DEFAULT_AUGMENTATION: AugmentationConfig = { rotation: 10, shift: 0.08, zoom: 0.1, shear: 10 };

/**
 * Transfer learning from an EMNIST Letters model to Binary AlphaDigits: cross-validates each
 * method on the same seeded stratified folds of all images, then trains the best method on the
 * dataset's train+validation splits, scores its held-out test split and saves it as a model
 * directory (for `letters export` and `letters evaluate --dataset binaryalphadigits`), and writes
 * the table and figures. Every input is checked before any training starts.
 */
export async function runTransfer(options: TransferOptions): Promise<TransferReport> {
  const d = TRANSFER_DEFAULTS;
  const o = {
    ...options,
    methods: options.methods ?? d.methods,
    k: options.k ?? d.k,
    seed: options.seed ?? d.seed,
    seeds: options.seeds ?? d.seeds,
    epochs: options.epochs ?? d.epochs,
    batchSize: options.batchSize ?? d.batchSize,
    learningRate: options.learningRate ?? d.learningRate,
    fineTuneLearningRate: options.fineTuneLearningRate ?? d.fineTuneLearningRate,
    augmentation: options.augmentation ?? DEFAULT_AUGMENTATION,
  };
  if (o.methods.length === 0) throw new LettersError(`--methods: name at least one of ${TRANSFER_METHODS.join(', ')}`);
  for (const [name, value] of [['--epochs', o.epochs], ['--batch-size', o.batchSize], ['--seeds', o.seeds]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new LettersError(`${name} ${value}: use a whole number of at least 1`);
  }
  const { set, splits } = await loadTransferData(o.data);
  const base = await loadModel(o.base);
  checkBaseModel(base, o.base, o.fineTuneLayers);
  try {
    stratifiedKFold(set.labels, o.k, o.seed); // k against the smallest class, before any training
  } catch (error) {
    throw error instanceof LettersError ? new LettersError(`--k ${o.k} for ${o.data}: ${error.message}`, { cause: error }) : error;
  }
  const plans = o.methods.map((method) => planMethod(method, base, o));
  base.dispose();
  const trainOptions = { baseDir: o.base, batchSize: o.batchSize, createTrainStep: o.createTrainStep ?? defaultTrainStep, ...(o.augmentation ? { augmentation: o.augmentation } : {}) };
  const rows = await crossValidate(set, {
    ...trainOptions,
    plans,
    k: o.k,
    seed: o.seed,
    seeds: o.seeds,
    dataHash: splits.source.hash,
    ...(o.runFolds ? { runFolds: o.runFolds } : {}),
    quiet: o.quiet,
    ...(o.log ? { log: o.log } : {}),
  });

  // The final model: the best method by cross-validated accuracy, trained on the dataset's train
  // and validation splits; its test split, never seen, is what `letters evaluate` scores.
  const best = rows.reduce((a, b) => (b.meanAccuracy > a.meanAccuracy ? b : a));
  const finalDir = join(o.out, 'transfer');
  const { model, history } = await trainFold(best.plan, mergeSets(splits.train, splits.validation), o.seed, trainOptions);
  const test = await evaluateModel(model, splits.test, 'test');
  const baseExtras = await readModelExtras(o.base);
  await saveModel(model, finalDir, {
    config: {
      ...baseExtras.config,
      transfer: { method: best.method, plan: best.plan, base: o.base, baseDataset: baseExtras.dataset, k: o.k, seed: o.seed, augmentation: o.augmentation || null },
    },
    ...(history ? { history } : {}),
    metrics: test,
    dataset: splits.source,
  });
  model.dispose();

  const report = { base: o.base, dataset: splits.source, k: o.k, seed: o.seed, seeds: o.seeds, rows, final: { method: best.method, dir: finalDir, test } };
  const files = await writeTransferReport(o.out, report, set.classNames);
  return { ...report, files: [...files, 'transfer/'] };
}

/** The images of `a` then `b`, as one set. */
function mergeSets(a: ImageSet, b: ImageSet): ImageSet {
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Uint8Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { ...a, images, labels, count: a.count + b.count };
}
