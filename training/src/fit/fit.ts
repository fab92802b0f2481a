import type * as tf from '@tensorflow/tfjs';
import { createRandom, type Random } from '../data/random.ts';
import type { ImageSet } from '../data/types.ts';
import type { CreateTrainStep } from '../engine/train-step.ts';
import type { AugmentationConfig } from './augment.ts';
import { gatherBatch } from './batches.ts';
import { isResumable, type Callback, type TrainingState } from './callback.ts';
import { evaluateModel } from './evaluate.ts';
import { History, type EpochLog, type TrainingHistory } from './history.ts';
import { getLearningRate } from './optimizers.ts';
import { restoreResumeCheckpoint, saveResumeCheckpoint, type ResumeOptions } from './resume.ts';

export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the per-epoch shuffle, augmentation and dropout masks (initial weights: buildModel's seed). */
  readonly seed: number;
  readonly optimizer: tf.Optimizer;
  /** The engine's step (kernels, threads); the loop calls only its `run` per batch. */
  readonly createTrainStep: CreateTrainStep;
  /** Evaluated after every epoch (valLoss, valAccuracy). */
  readonly validation?: ImageSet;
  readonly augmentation?: AugmentationConfig;
  /** Run in order after the built-in History. */
  readonly callbacks?: readonly Callback[];
  /** Save a checkpoint after every epoch, and continue from one if it exists. */
  readonly resume?: ResumeOptions;
}

export interface FitResult extends TrainingHistory {
  /** Epochs restored from a resume checkpoint (0 for a fresh run). */
  readonly resumedEpochs: number;
}

/**
 * Trains a model: seeded shuffle, augmentation and dropout per epoch, uint8 images converted to float32 one batch at a time
 * (optionally augmented), a validation pass per epoch, callbacks at every step, and a resume
 * checkpoint after every epoch.
 */
export async function fit(model: tf.LayersModel, data: ImageSet, options: FitOptions): Promise<FitResult> {
  const history = new History();
  const callbacks: Callback[] = [history, ...(options.callbacks ?? [])];
  const resumable = callbacks.filter(isResumable);
  const keys = resumable.map((c) => c.stateKey);
  if (new Set(keys).size !== keys.length) throw new Error(`fit: two callbacks share a state key (${keys.join(', ')})`);
  // Every batch holds batchSize images, give or take a few, never a short last batch: one RMSprop
  // step on a 4-image remainder measurably undid an epoch of progress on EMNIST letters.
  const batchesPerEpoch = Math.max(1, Math.round(data.count / options.batchSize));
  const batchStart = (b: number) => Math.round((b * data.count) / batchesPerEpoch);
  let stopReason: string | undefined;
  const state: TrainingState = {
    model,
    optimizer: options.optimizer,
    epochs: options.epochs,
    batchesPerEpoch,
    batchSize: options.batchSize,
    trainCount: data.count,
    get history() {
      return history.epochs;
    },
    stop(reason) {
      stopReason ??= reason;
    },
    get stopReason() {
      return stopReason;
    },
  };

  const restored = options.resume && (await restoreResumeCheckpoint(options.resume, model, options.optimizer, resumable));
  stopReason = restored ? restored.stopReason : undefined;
  const step = options.createTrainStep(model, options.optimizer);
  try {
    for (const c of callbacks) await c.onTrainBegin?.(state);
    for (let epoch = (restored?.epoch ?? 0) + 1; epoch <= options.epochs && stopReason === undefined; epoch++) {
      const started = performance.now();
      for (const c of callbacks) await c.onEpochBegin?.(epoch, state);
      const random = epochRandom(options.seed, epoch);
      const order = random.fork().shuffle(Uint32Array.from({ length: data.count }, (_, i) => i));
      const augmentRandom = random.fork();
      const dropoutRandom = random.fork();
      const augment = options.augmentation && { config: options.augmentation, random: augmentRandom };
      let seen = 0;
      let lossSum = 0;
      let correctSum = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        const images = gatherBatch(data, order.subarray(batchStart(b), batchStart(b + 1)), augment);
        const batch = { ...images, seed: dropoutRandom.int(2 ** 32) };
        const result = await step.run(batch);
        seen += batch.size;
        lossSum += result.loss * batch.size;
        correctSum += result.accuracy * batch.size;
        for (const c of callbacks) await c.onBatchEnd?.({ ...result, epoch, batch: b, size: batch.size }, state);
      }
      const validation = options.validation && (await evaluateModel(model, options.validation, 'validation'));
      const log: EpochLog = {
        epoch,
        loss: lossSum / seen,
        accuracy: correctSum / seen,
        ...(validation ? { valLoss: validation.loss, valAccuracy: validation.accuracy } : {}),
        learningRate: getLearningRate(options.optimizer),
        seconds: (performance.now() - started) / 1000,
      };
      for (const c of callbacks) await c.onEpochEnd?.(log, state);
      if (options.resume) await saveResumeCheckpoint(options.resume, epoch, stopReason, model, options.optimizer, resumable);
    }
    for (const c of callbacks) await c.onTrainEnd?.(state);
  } finally {
    step.dispose();
  }
  return { epochs: history.epochs, ...(stopReason ? { stopReason } : {}), resumedEpochs: restored?.epoch ?? 0 };
}

/** An independent generator per epoch, so epoch e shuffles the same way whether or not the run resumed. */
function epochRandom(seed: number, epoch: number): Random {
  const root = createRandom(seed);
  let random = root.fork();
  for (let e = 1; e < epoch; e++) random = root.fork();
  return random;
}
