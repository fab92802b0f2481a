import { concatFloat32, IMAGE_SIZE, LettersError } from '@letters/contract';
import { fineTune, type FineTuneProgress, type StepTrainer } from './fine-tune.ts';
import { personalizedModel, readPersonalization, sha256Hex } from './model-file.ts';
import { checkSamples, splitHeldOut, type Sample } from './samples.ts';

/** Which weights a fine-tune changes: the last layers (the classifier head; default) or all of them. */
export type TrainableLayers = 'last' | 'all';

/** Probabilities [count, classes] of model-ready images: the Classifier of either @letters/inference entry. */
export interface Predictor {
  probabilities(images: Float32Array): Promise<Float32Array>;
  close(): Promise<void>;
}

/** The runtime-specific part: onnxruntime-node in the CLI, onnxruntime-web in the page. */
export interface PersonalizeRuntime {
  /** A trainer for `model`'s weights (only the last layers' unless `layers` is 'all'). */
  trainer(model: Uint8Array, options: { readonly layers: TrainableLayers; readonly learningRate: number }): Promise<StepTrainer>;
  predictor(model: Uint8Array): Promise<Predictor>;
}

export interface PersonalizeOptions {
  /** The model to start from: an exported letters model, or one personalized before ("keep going"). */
  readonly base: Uint8Array;
  /** Its name, for the metadata and messages (a file name, the demo's model name). */
  readonly baseName: string;
  readonly samples: readonly Sample[];
  /** Labels the user chose to teach: each must have drawings. Default: the labels drawn. */
  readonly letters?: readonly number[];
  readonly layers?: TrainableLayers;
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  readonly onProgress?: (progress: FineTuneProgress) => void;
  /**
   * Stop: the fine-tune ends after the step it is in, and what it learnt so far faces the same
   * held-out check as a finished one (kept only when it does not lower their accuracy).
   */
  readonly signal?: AbortSignal;
  /**
   * Model-ready images of any letters (count * 784 values), e.g. the toolkit's generated letters: the
   * fine-tune rehearses them with the base model's own answers as labels, so what it learns from the
   * drawings does not spill over onto every other letter.
   */
  readonly rehearsal?: Float32Array;
}

/** Defaults that teach a few letters in seconds without unlearning the others (see the README's Teach mode). */
export const PERSONALIZE_DEFAULTS = { layers: 'last', epochs: 20, learningRate: 0.00005, batchSize: 16, seed: 1 } as const;

export interface PersonalizeResult {
  /** False when the fine-tune lowered accuracy on the held-out drawings (or was stopped before its first step): `model` is then the base, unchanged. */
  readonly accepted: boolean;
  /** True when `signal` stopped the fine-tune before its last epoch. */
  readonly stopped: boolean;
  /** The personalized model (or the base when not accepted). */
  readonly model: Uint8Array;
  /** Accuracy on the held-out drawings, 0-1, before and after the fine-tune. */
  readonly before: number;
  readonly after: number;
  readonly trained: number;
  readonly heldOut: number;
  /** Mean loss of each epoch. */
  readonly losses: readonly number[];
  /** One line for the user: what happened and, when nothing was kept, why and what to do. */
  readonly message: string;
}

const percent = (fraction: number) => `${(100 * fraction).toFixed(0)}%`;

/** The most probable letter (1-26; class 0 is unused) of each of `count` images. */
async function predictLabels(predictor: Predictor, images: Float32Array, count: number): Promise<Int32Array> {
  if (count === 0) return new Int32Array(0);
  const probabilities = await predictor.probabilities(images);
  const classes = probabilities.length / count;
  return Int32Array.from({ length: count }, (_, row) => {
    const p = probabilities.subarray(row * classes, (row + 1) * classes);
    let best = 1;
    for (let k = 2; k < classes; k++) if (p[k]! > p[best]!) best = k;
    return best;
  });
}

/** Fraction of the samples whose most probable letter is their label. */
export async function accuracy(predictor: Predictor, samples: readonly Sample[]): Promise<number> {
  if (samples.length === 0) return 0;
  const predicted = await predictLabels(predictor, concatFloat32(samples.map((s) => s.image)), samples.length);
  return samples.filter((s, i) => predicted[i] === s.label).length / samples.length;
}

/** Opens `model` on the runtime for `use`, and closes it. */
async function withPredictor<T>(runtime: PersonalizeRuntime, model: Uint8Array, use: (predictor: Predictor) => Promise<T>): Promise<T> {
  const predictor = await runtime.predictor(model);
  try {
    return await use(predictor);
  } finally {
    await predictor.close();
  }
}

/**
 * Teaches a model the user's handwriting: checks the drawings, keeps some of each letter apart,
 * fine-tunes on the rest and measures the held-out drawings before and after. A fine-tune that lowers
 * their accuracy is not kept: the result then holds the base model and says why.
 */
export async function personalize(runtime: PersonalizeRuntime, options: PersonalizeOptions): Promise<PersonalizeResult> {
  const settings = { ...PERSONALIZE_DEFAULTS, ...withoutUndefined(options) };
  checkSamples(options.samples, options.letters);
  if (!(settings.learningRate > 0 && Number.isFinite(settings.learningRate))) {
    throw new LettersError(`learning rate: ${settings.learningRate}; pass a positive number such as 0.0005`, { kind: 'usage' });
  }
  const { train, heldOut } = splitHeldOut(options.samples, settings.seed);
  // "Keep going" from a personalized model still names the original base.
  const origin = readPersonalization(options.base, options.baseName);
  const baseModelHash = origin?.baseModelHash ?? (await sha256Hex(options.base));
  const size = IMAGE_SIZE * IMAGE_SIZE;
  const rehearsalImages = options.rehearsal ?? new Float32Array(0);
  const { before, rehearsal } = await withPredictor(runtime, options.base, async (predictor) => {
    const labels = await predictLabels(predictor, rehearsalImages, rehearsalImages.length / size);
    const samples = Array.from(labels, (label, i) => ({ label, image: rehearsalImages.subarray(i * size, (i + 1) * size) }));
    return { before: await accuracy(predictor, heldOut), rehearsal: samples };
  });

  const trainer = await runtime.trainer(options.base, settings);
  let losses: number[];
  let weights: Map<string, Float32Array>;
  let progress: FineTuneProgress | undefined;
  try {
    const onProgress = (p: FineTuneProgress) => {
      progress = p;
      options.onProgress?.(p);
    };
    losses = await fineTune(trainer, train, { ...settings, onProgress, signal: options.signal, rehearsal });
    weights = await trainer.weights();
  } finally {
    await trainer.release();
  }
  const stopped = options.signal?.aborted === true && (progress === undefined || progress.step < progress.steps);
  const unchanged = { accepted: false, model: options.base, before, after: before, trained: train.length, heldOut: heldOut.length, losses, stopped };
  if (losses.length === 0) return { ...unchanged, message: 'stopped before the first step: kept the previous model' };
  if (!Number.isFinite(losses.at(-1))) {
    return { ...unchanged, message: 'kept the previous model: the fine-tune diverged (the loss is not a number); use a lower learning rate' };
  }
  const model = personalizedModel(options.base, weights, {
    samples: (origin?.samples ?? 0) + train.length,
    baseModel: origin?.baseModel ?? options.baseName,
    baseModelHash,
  });
  const after = await withPredictor(runtime, model, (predictor) => accuracy(predictor, heldOut));
  const counts = { trained: train.length, heldOut: heldOut.length, before, after, losses, stopped };
  const when = stopped ? `stopped in epoch ${losses.length} of ${settings.epochs}: ` : '';
  if (after < before) {
    return {
      ...counts,
      accepted: false,
      model: options.base,
      message:
        `${when}kept the previous model: the fine-tune lowered accuracy on your ${heldOut.length} held-out drawings ` +
        `from ${percent(before)} to ${percent(after)}; ${stopped ? 'let it finish, or draw more examples' : 'draw more examples, or fewer epochs'}`,
    };
  }
  return {
    ...counts,
    accepted: true,
    model,
    message: `${when}learnt from ${train.length} drawings: ${percent(before)} -> ${percent(after)} on ${heldOut.length} held-out drawings`,
  };
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}
