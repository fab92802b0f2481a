import { concatFloat32, LettersError, mulberry32 } from '@letters/contract';
import type { Sample } from './samples.ts';

/**
 * One model being fine-tuned on one runtime: each call runs one training step (forward, backward,
 * optimizer update) in onnxruntime and keeps the weights there between steps. Node (onnxruntime-node)
 * and browsers (onnxruntime-web) give the same interface.
 */
export interface StepTrainer {
  /** One optimizer step on a batch of `count` model-ready images and their labels; resolves to the batch's mean loss. */
  step(images: Float32Array, labels: Int32Array, count: number): Promise<number>;
  /** The trained weights now, by initializer name: what the personalized model gets. */
  weights(): Promise<Map<string, Float32Array>>;
  release(): Promise<void>;
}

export interface FineTuneProgress {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  /** Steps done so far, of `steps` in all. */
  readonly step: number;
  readonly steps: number;
  /** Mean loss of the last step. */
  readonly loss: number;
}

export interface FineTuneOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the order of the drawings in each epoch. */
  readonly seed: number;
  readonly onProgress?: (progress: FineTuneProgress) => void;
  /** Stops between steps when aborted (the user pressed Stop); what was learnt so far stays. */
  readonly signal?: AbortSignal;
}

/** Runs `epochs` passes over the drawings in seeded random batches; resolves to each epoch's mean loss. */
export async function fineTune(trainer: StepTrainer, samples: readonly Sample[], options: FineTuneOptions): Promise<number[]> {
  const { epochs, batchSize } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new LettersError(`epochs: ${epochs}; pass a whole number of at least 1`, { kind: 'usage' });
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new LettersError(`batch size: ${batchSize}; pass a whole number of at least 1`, { kind: 'usage' });
  const random = mulberry32(options.seed);
  const perEpoch = Math.ceil(samples.length / batchSize);
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = samples.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let total = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = order.slice(start, start + batchSize).map((i) => samples[i]!);
      const loss = await trainer.step(
        concatFloat32(batch.map((s) => s.image)),
        Int32Array.from(batch, (s) => s.label),
        batch.length,
      );
      total += loss * batch.length;
      step++;
      options.onProgress?.({ epoch, epochs, step, steps: perEpoch * epochs, loss });
    }
    losses.push(total / samples.length);
  }
  return losses;
}
