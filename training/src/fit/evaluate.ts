import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../data/types.ts';
import type { EvaluationMetrics } from '../models/io.ts';
import { sliceBatch } from './batches.ts';

/** Keras' clipping of probabilities before the logarithm. */
const EPSILON = 1e-7;

/**
 * Mean sparse categorical cross-entropy and accuracy of a model on a set, in inference mode
 * (dropout off, batch norm on its moving statistics). The loss is the data term only: L2
 * penalties are not included, so losses of regularized and plain models compare directly.
 */
export async function evaluateModel(
  model: tf.LayersModel,
  set: ImageSet,
  split: EvaluationMetrics['split'],
  batchSize = 512,
): Promise<EvaluationMetrics> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const batch = sliceBatch(set, start, Math.min(set.count, start + batchSize));
    const probabilities = tf.tidy(() => {
      const x = tf.tensor4d(batch.images, [batch.size, batch.height, batch.width, 1]);
      return model.predict(x) as tf.Tensor2D;
    });
    const [, classes] = probabilities.shape;
    const p = await probabilities.data();
    probabilities.dispose();
    for (let i = 0; i < batch.size; i++) {
      const row = p.subarray(i * classes, (i + 1) * classes);
      const label = batch.labels[i];
      lossSum -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, row[label])));
      let best = 0;
      for (let k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
      if (best === label) correct++;
    }
  }
  return { split, count: set.count, loss: set.count > 0 ? lossSum / set.count : NaN, accuracy: set.count > 0 ? correct / set.count : NaN };
}
