import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../../src/engine/index.ts';
import { trainingLoss } from '../../src/engine/local-train-step.ts';
import { randomValues, relativeError } from './on-backends.ts';

const batch = 4;
const classes = 5;
const seed = 7;
const init = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });

/** Tiny models that together use every layer, activation and pooling type the toolkit offers. */
const models: Record<string, () => tf.LayersModel> = {
  'conv relu + maxpool, tanh + maxpool same, dense elu': () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [9, 9, 1], filters: 3, kernelSize: 3, activation: 'relu', ...init() }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 4, kernelSize: 2, padding: 'same', activation: 'tanh', ...init() }),
        tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 6, activation: 'elu', ...init() }),
        tf.layers.dense({ units: classes, activation: 'softmax', ...init() }),
      ],
    }),
  'conv selu + batchnorm + leakyReLU + maxpool, strided sigmoid conv, dropout, L2': () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [10, 10, 1], filters: 4, kernelSize: 3, activation: 'selu', padding: 'same',
          kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }), ...init(),
        }),
        tf.layers.batchNormalization(),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, activation: 'sigmoid', ...init() }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.3, seed }),
        tf.layers.dense({ units: classes, activation: 'softmax', kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }), ...init() }),
      ],
    }),
  'batchnorm after tanh conv before maxpool, average pooling, strided relu conv': () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [11, 11, 1], filters: 4, kernelSize: 3, activation: 'tanh', ...init() }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }),
        tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
        tf.layers.conv2d({ filters: 3, kernelSize: 2, strides: 3, padding: 'same', activation: 'relu', ...init() }),
        tf.layers.flatten(),
        tf.layers.dense({ units: classes, activation: 'softmax', ...init() }),
      ],
    }),
  'dense baseline: flatten, dense relu, dense softmax': () =>
    tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [6, 6, 1] }),
        tf.layers.dense({ units: 8, activation: 'relu', ...init() }),
        tf.layers.dense({ units: classes, activation: 'softmax', ...init() }),
      ],
    }),
};

/** Gradients of the training loss with respect to every trainable weight, in weight order. */
function lossGradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Tensor[] {
  const { grads } = tf.variableGrads(() => {
    const { loss, accuracy } = trainingLoss(model, x, y);
    accuracy.dispose();
    return loss;
  });
  return model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!);
}

// Whole-model gradients chain a dozen kernels; float32 rounding differs in order only.
const tolerance = 1e-4;

describe('whole-model gradients on wasm match the cpu backend', () => {
  test.each(Object.keys(models))('%s', async (name) => {
    await initBackend({ backend: 'cpu' });
    const model = models[name]!();
    const inputShape = model.inputs[0]!.shape.slice(1) as number[];
    // Centred inputs: tanh/selu/BatchNorm make whole pooling windows negative.
    const xValues = randomValues(batch * tf.util.sizeFromShape(inputShape), 11);
    const labels = Int32Array.from({ length: batch }, (_, i) => i % classes);
    const gradients = () => {
      const tensors = tf.tidy(() => lossGradients(model, tf.tensor(xValues, [batch, ...inputShape]), tf.tensor1d(labels, 'int32')));
      const values = tensors.map((g) => g.dataSync() as Float32Array);
      tf.dispose(tensors);
      return values;
    };
    const cpu = gradients();
    await initBackend({ backend: 'wasm' });
    const wasm = gradients();
    expect(wasm.length).toBe(model.trainableWeights.length);
    wasm.forEach((g, i) => expect(relativeError(g, cpu[i]!), model.trainableWeights[i]!.name).toBeLessThan(tolerance));
    model.dispose();
  });
});

describe('optimizers step identically on wasm and cpu', () => {
  const optimizers: Record<string, () => tf.Optimizer> = {
    sgd: () => tf.train.sgd(0.1),
    momentum: () => tf.train.momentum(0.1, 0.9),
    adam: () => tf.train.adam(0.01),
    rmsprop: () => tf.train.rmsprop(0.01),
  };
  test.each(Object.keys(optimizers))('%s', async (name) => {
    const weightsAfterSteps = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ backend });
      const model = models['dense baseline: flatten, dense relu, dense softmax']!();
      const optimizer = optimizers[name]!();
      const x = tf.tensor(randomValues(batch * 36, 12), [batch, 6, 6, 1]);
      const y = tf.tensor1d([0, 1, 2, 3], 'int32');
      for (let i = 0; i < 3; i++) {
        optimizer.minimize(() => {
          const { loss, accuracy } = trainingLoss(model, x, y);
          accuracy.dispose();
          return loss;
        });
      }
      const values = model.getWeights().map((w) => w.dataSync() as Float32Array);
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
      return values;
    };
    const cpu = await weightsAfterSteps('cpu');
    const wasm = await weightsAfterSteps('wasm');
    wasm.forEach((w, i) => expect(relativeError(w, cpu[i]!)).toBeLessThan(tolerance));
  });
});
