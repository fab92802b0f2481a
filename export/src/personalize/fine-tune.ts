import { concatFloat32, LettersError, mulberry32, shuffle } from '@letters/contract';
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
  /** Stops between steps when aborted (the user pressed Stop); what was learnt so far stays in the trainer. */
  readonly signal?: AbortSignal;
  /**
   * Letters the model should keep reading as it does: each epoch mixes in REHEARSAL_RATIO of them per
   * drawing, drawn at random, so the fine-tune cannot simply make the taught letters win everywhere.
   */
  readonly rehearsal?: readonly Sample[];
}

/** Rehearsal letters per drawing in an epoch: enough to hold the other letters in place (measured in the README's Teach section). */
export const REHEARSAL_RATIO = 3;
/** How many generated letters the CLI and the demo server hand a fine-tune to rehearse (20 per letter). */
export const REHEARSAL_IMAGES = 520;

/**
 * Runs `epochs` passes over the drawings (and rehearsal letters) in seeded random batches; resolves to
 * each epoch's mean loss. A loss that is not finite (the fine-tune diverged) ends it at once, the
 * epoch's loss then NaN. Stopped (`signal`), it resolves to the epochs begun, the last one's mean over
 * the steps it ran (none when stopped before the first step).
 */
export async function fineTune(trainer: StepTrainer, drawings: readonly Sample[], options: FineTuneOptions): Promise<number[]> {
  const { epochs, batchSize } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new LettersError(`epochs: ${epochs}; pass a whole number of at least 1`, { kind: 'usage' });
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new LettersError(`batch size: ${batchSize}; pass a whole number of at least 1`, { kind: 'usage' });
  const random = mulberry32(options.seed);
  const rehearsal = options.rehearsal ?? [];
  const mixed = drawings.length + Math.min(REHEARSAL_RATIO * drawings.length, rehearsal.length);
  const perEpoch = Math.ceil(mixed / batchSize);
  const losses: number[] = [];
  let step = 0;
  const stopped = () => options.signal?.aborted === true;
  for (let epoch = 1; epoch <= epochs && !stopped(); epoch++) {
    const samples = [...drawings, ...shuffle([...rehearsal], random).slice(0, mixed - drawings.length)];
    shuffle(samples, random);
    let total = 0;
    let seen = 0;
    for (let start = 0; start < samples.length && !stopped(); start += batchSize) {
      const batch = samples.slice(start, start + batchSize);
      const loss = await trainer.step(
        concatFloat32(batch.map((s) => s.image)),
        Int32Array.from(batch, (s) => s.label),
        batch.length,
      );
      total += loss * batch.length;
      seen += batch.length;
      step++;
      options.onProgress?.({ epoch, epochs, step, steps: perEpoch * epochs, loss });
      if (!Number.isFinite(loss)) return [...losses, Number.NaN];
    }
    if (seen > 0) losses.push(total / seen);
  }
  return losses;
}
