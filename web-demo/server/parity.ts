import { LettersError } from '@letters/contract';
import { Classifier } from '@letters/inference';
import { loadDataset, type ImageSet } from '@letters/training';
import type { ParityBatch } from '../src/api.ts';
import type { ServedModel } from './models.ts';

/** Images in the fixed parity batch: enough to cover most classes, small enough to send as JSON. */
export const PARITY_BATCH_SIZE = 64;

export interface ParityImagesOptions {
  /** A dataset name of the registry (`letters data --list`), e.g. `byclass-letters`. */
  readonly dataset: string;
  /** Where its files are (`--data-dir`). */
  readonly dataDir?: string;
  /** Where the generated fixtures are (only for naming the synthetic `fixtures` dataset, which parity refuses). */
  readonly fixturesDir?: string;
}

export interface ParityImages {
  readonly set: ImageSet;
  readonly source: string;
}

/**
 * The fixed batch of real images: a seeded, stratified sample of the dataset's test split, the same
 * on every run. Loaded on the first parity request, so the demo starts without reading any data.
 */
export async function loadParityImages(options: ParityImagesOptions): Promise<ParityImages> {
  const { dataset, ...dirs } = options;
  const splits = await loadDataset(dataset, { ...dirs, limit: PARITY_BATCH_SIZE });
  if (splits.source.synthetic) {
    throw new LettersError(`--parity-dataset ${options.dataset}: synthetic; parity needs real images, name a real dataset`);
  }
  return { set: splits.test, source: `${splits.source.description}: ${splits.test.count} test images` };
}

/**
 * onnxruntime-node's probabilities for the batch, through the inference package's Classifier.
 * The images are model-ready (a dataset's 28x28 images skip the preprocessing, on both sides).
 */
export async function computeParityBatch(model: ServedModel, images: ParityImages): Promise<ParityBatch> {
  const { set } = images;
  const classifier = await Classifier.create(model.path, { runtime: 'node' });
  try {
    const probabilities = await classifier.probabilities({ data: set.images, count: set.count });
    const pixels = set.height * set.width;
    return {
      modelId: model.id,
      source: images.source,
      reference: 'onnxruntime-node (native CPU)',
      height: set.height,
      width: set.width,
      images: Array.from({ length: set.count }, (_, i) => Array.from(set.images.subarray(i * pixels, (i + 1) * pixels))),
      probabilities: Array.from({ length: set.count }, (_, i) =>
        Array.from(probabilities.subarray(i * classifier.classes, (i + 1) * classifier.classes)),
      ),
    };
  } finally {
    await classifier.close();
  }
}

/**
 * The demo server's parity source: the dataset's images are read on the first request (so the demo
 * starts without reading data, and a missing data folder only affects the parity page), then reused.
 */
export function parityFromDataset(options: ParityImagesOptions): (model: ServedModel) => Promise<ParityBatch> {
  let images: Promise<ParityImages> | undefined;
  return async (model) => {
    images ??= loadParityImages(options);
    try {
      return await computeParityBatch(model, await images);
    } catch (error) {
      images = undefined;
      throw error;
    }
  };
}
