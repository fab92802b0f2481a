import * as tf from '@tensorflow/tfjs';
import type { Batch, CreateTrainStep, StepResult, TrainStep } from './train-step.ts';

/** The model's input tensor for a batch: NHWC images, or flat vectors for a model whose input is rank 2. */
export function batchInput(model: tf.LayersModel, batch: Batch): tf.Tensor {
  const inputShape = model.inputs[0]!.shape;
  const pixels = batch.height * batch.width;
  const shape = inputShape.length === 2
    ? [batch.size, pixels]
    : [batch.size, batch.height, batch.width, batch.images.length / (batch.size * pixels)];
  return tf.tensor(batch.images, shape, 'float32');
}

/**
 * Mean sparse categorical cross-entropy of softmax probabilities, clipped as Keras does
 * (epsilon 1e-7) so a confident wrong answer gives a large finite loss, not Infinity.
 */
export function sparseCrossEntropy(probabilities: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const classes = probabilities.shape[probabilities.shape.length - 1]!;
  const clipped = tf.clipByValue(probabilities, 1e-7, 1 - 1e-7);
  const picked = tf.sum(tf.mul(tf.oneHot(labels, classes), tf.log(clipped)), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/** Loss (cross-entropy plus the model's regularization losses) and accuracy of one forward pass. */
export function trainingLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): { loss: tf.Scalar; accuracy: tf.Scalar } {
  const probabilities = model.apply(x, { training: true }) as tf.Tensor;
  const accuracy = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(probabilities, -1), y), 'float32')) as tf.Scalar);
  const crossEntropy = sparseCrossEntropy(probabilities, y);
  const regularization = model.calculateLosses();
  const loss = regularization.length === 0 ? crossEntropy : (tf.addN([crossEntropy, ...regularization]) as tf.Scalar);
  return { loss, accuracy };
}

/**
 * Seeds every Dropout layer for one batch. tfjs draws a layer's mask from its `seed` when it has
 * one (the same mask on every call with the same seed), else from an unseeded generator; a fresh
 * seed per batch and layer gives masks that vary like unseeded ones but repeat run for run.
 */
function seedDropout(model: tf.LayersModel, seed: number): void {
  model.layers.forEach((layer, index) => {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed?: number }).seed = (seed + Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  });
}

/**
 * Hands `differentiate` (optimizer.minimize, tf.variableGrads) the batch's loss function, in
 * training mode: dropout on, BatchNorm statistics updated. The accuracy of that same forward
 * pass is kept out of the tape's cleanup with tf.keep; the caller disposes it.
 */
export function differentiateBatch<T extends tf.TensorContainer>(
  model: tf.LayersModel,
  batch: Batch,
  differentiate: (loss: () => tf.Scalar) => T,
): { result: T; accuracy: tf.Scalar } {
  let accuracy: tf.Scalar | undefined;
  if (batch.seed !== undefined) seedDropout(model, batch.seed);
  const result = tf.tidy(() => {
    const x = batchInput(model, batch);
    const y = tf.tensor1d(batch.labels, 'int32');
    return differentiate(() => {
      const pass = trainingLoss(model, x, y);
      accuracy = pass.accuracy;
      return pass.loss;
    });
  });
  return { result, accuracy: accuracy! };
}

/** A training step on the current tfjs backend, in this thread. */
export const createLocalTrainStep: CreateTrainStep = (model, optimizer): TrainStep => {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    async run(batch: Batch): Promise<StepResult> {
      const { result: loss, accuracy } = differentiateBatch(model, batch, (f) => optimizer.minimize(f, true, variables)!);
      const [lossValue, accuracyValue] = await Promise.all([loss.data(), accuracy.data()]);
      tf.dispose([loss, accuracy]);
      return { loss: lossValue[0]!, accuracy: accuracyValue[0]! };
    },
    dispose(): void {},
  };
};
