import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { expect, test } from 'vitest';
import { createTrainStep, initBackend } from '../../src/engine/index.ts';
import { randomValues } from './on-backends.ts';

test('tensor count, tracked bytes and the wasm heap stay flat across epochs of training', async () => {
  await initBackend({ backend: 'wasm' });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, strides: 2, activation: 'elu' }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({ units: 5, activation: 'softmax', kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) }),
    ],
  });
  const step = createTrainStep(model, tf.train.adam(0.01));
  const size = 8;
  const batches = Array.from({ length: 4 }, (_, i) => ({
    images: randomValues(size * 144, i + 1).map((v) => (v + 1) / 2),
    labels: Int32Array.from({ length: size }, (_, j) => (i + j) % 5),
    size,
    height: 12,
    width: 12,
  }));
  const heapBytes = () => ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
  const snapshots: { tensors: number; bytes: number; heap: number }[] = [];
  const losses: number[] = [];
  for (let epoch = 0; epoch < 5; epoch++) {
    for (const batch of batches) losses.push((await step.run(batch)).loss);
    snapshots.push({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, heap: heapBytes() });
  }
  step.dispose();
  // The first epoch creates the optimizer's slots; after that nothing may grow.
  for (const snapshot of snapshots.slice(2)) expect(snapshot).toEqual(snapshots[1]);
  expect(losses.every(Number.isFinite)).toBe(true);
  // Epoch means, not single batches: dropout masks are unseeded, so one batch's loss is noisy.
  const epochMean = (epoch: number) => losses.slice(epoch * batches.length, (epoch + 1) * batches.length).reduce((a, b) => a + b) / batches.length;
  expect(epochMean(4)).toBeLessThan(epochMean(0));
  model.dispose();
});
