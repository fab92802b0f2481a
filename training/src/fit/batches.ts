import type { Random } from '../data/random.ts';
import type { ImageSet } from '../data/types.ts';
import type { Batch } from '../engine/train-step.ts';
import { randomAffine, warpImage, type AugmentationConfig } from './augment.ts';

/**
 * The images at `indices` as one float32 batch in [0, 1], warped when augmentation is on.
 * Only the batch is converted: the set itself stays uint8.
 */
export function gatherBatch(
  set: ImageSet,
  indices: ArrayLike<number>,
  augment?: { readonly config: AugmentationConfig; readonly random: Random },
): Batch {
  const size = set.height * set.width;
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    const source = set.images.subarray(index * size, (index + 1) * size);
    const out = images.subarray(i * size, (i + 1) * size);
    if (augment) {
      warpImage(source, out, set.height, set.width, randomAffine(augment.config, augment.random, set.height, set.width), 1 / 255);
    } else {
      for (let p = 0; p < size; p++) out[p] = source[p] / 255;
    }
    labels[i] = set.labels[index];
  }
  return { images, labels, size: indices.length, height: set.height, width: set.width };
}

/** Images [start, end) of a set, in order, as a float32 batch (for evaluation). */
export function sliceBatch(set: ImageSet, start: number, end: number): Batch {
  const size = set.height * set.width;
  const source = set.images.subarray(start * size, end * size);
  const images = new Float32Array(source.length);
  for (let p = 0; p < source.length; p++) images[p] = source[p] / 255;
  return { images, labels: Int32Array.from(set.labels.subarray(start, end)), size: end - start, height: set.height, width: set.width };
}
