import * as tf from '@tensorflow/tfjs';
import { concatFloat32 } from '../common/index.ts';
import { differentiateBatch } from './local-train-step.ts';
import type { Batch } from './train-step.ts';

/** What one shard of a batch contributes to a data-parallel step. */
export interface ShardResult {
  /** Gradients of the shard's mean loss, trainable weights concatenated in model order. */
  readonly gradients: Float32Array;
  /** Non-trainable weights (BatchNorm moving statistics) after the shard's forward pass. */
  readonly nonTrainable: Float32Array;
  readonly loss: number;
  readonly accuracy: number;
  readonly size: number;
}

/** All weights of a model (trainable first, as model.weights orders them) as one array. */
export function readWeights(weights: tf.LayerVariable[]): Float32Array {
  return concatFloat32(weights.map((w) => w.read().dataSync() as Float32Array));
}

/** Writes one concatenated array back into the weights it was read from. */
export function writeWeights(weights: tf.LayerVariable[], values: Float32Array): void {
  tf.tidy(() => {
    let offset = 0;
    for (const w of weights) {
      const size = tf.util.sizeFromShape(w.shape as number[]);
      w.write(tf.tensor(values.subarray(offset, offset + size), w.shape as number[]));
      offset += size;
    }
  });
}

/** Loss, accuracy and weight gradients of one shard, without changing trainable weights. */
export function shardGradients(model: tf.LayersModel, batch: Batch): ShardResult {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { result: { value, grads }, accuracy } = differentiateBatch(model, batch, (f) => tf.variableGrads(f, variables));
  const gradients = concatFloat32(variables.map((v) => grads[v.name]!.dataSync() as Float32Array));
  const result = {
    gradients,
    nonTrainable: readWeights(model.nonTrainableWeights),
    loss: value.dataSync()[0]!,
    accuracy: accuracy.dataSync()[0]!,
    size: batch.size,
  };
  tf.dispose([value, accuracy, ...Object.values(grads)]);
  return result;
}
