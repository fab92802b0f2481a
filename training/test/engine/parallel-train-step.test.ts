import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { initBackend } from '../../src/engine/index.ts';
import { weightReuse } from '../../src/engine/create-train-step.ts';
import { createLocalTrainStep } from '../../src/engine/local-train-step.ts';
import { createParallelTrainStep, splitBatch } from '../../src/engine/parallel-train-step.ts';
import type { Batch, TrainStep } from '../../src/engine/train-step.ts';
import { randomValues, relativeError } from './on-backends.ts';

const size = 9; // odd, so the shards differ in size and the weighting matters
const batch: Batch = {
  images: randomValues(size * 64, 21).map((v) => (v + 1) / 2),
  labels: Int32Array.from({ length: size }, (_, i) => i % 4),
  size,
  height: 8,
  width: 8,
};

const model = () =>
  tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }), kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }),
    ],
  });

/** Weights after two SGD steps with `create`, from the same seeded start. */
async function weightsAfterSteps(create: (m: tf.LayersModel, o: tf.Optimizer) => TrainStep) {
  const m = model();
  const step = create(m, tf.train.sgd(0.5));
  const results = [await step.run(batch), await step.run(batch)];
  step.dispose();
  const weights = m.getWeights().map((w) => w.dataSync() as Float32Array);
  m.dispose();
  return { results, weights };
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});
afterAll(() => tf.disposeVariables());

test('splitBatch covers the batch in order with near-equal shards', () => {
  const shards = splitBatch(batch, 2);
  expect(shards.map((s) => s.size)).toEqual([5, 4]);
  expect(Array.from(shards.flatMap((s) => Array.from(s.labels)))).toEqual(Array.from(batch.labels));
  expect(shards[1]!.images[0]).toBe(batch.images[5 * 64]);
});

test('two threads give the same weights, loss and accuracy as one', async () => {
  const one = await weightsAfterSteps(createLocalTrainStep);
  let fellBack = '';
  const two = await weightsAfterSteps((m, o) =>
    createParallelTrainStep(m, o, { threads: 2, onFallback: (reason) => (fellBack = reason) }),
  );
  expect(fellBack).toBe('');
  two.weights.forEach((w, i) => expect(relativeError(w, one.weights[i]!)).toBeLessThan(1e-5));
  two.results.forEach((r, i) => {
    expect(r.loss).toBeCloseTo(one.results[i]!.loss, 5);
    expect(r.accuracy).toBeCloseTo(one.results[i]!.accuracy, 6);
  });
});

test('a worker that fails falls back to one thread and still trains correctly', async () => {
  const one = await weightsAfterSteps(createLocalTrainStep);
  let fellBack = '';
  const broken = await weightsAfterSteps((m, o) =>
    createParallelTrainStep(m, o, {
      threads: 2,
      workerModule: new URL('./broken-worker.ts', import.meta.url),
      onFallback: (reason) => (fellBack = reason),
    }),
  );
  expect(fellBack).toMatch(/broken on purpose|exited/);
  broken.weights.forEach((w, i) => expect(relativeError(w, one.weights[i]!)).toBeLessThan(1e-6));
});

test('weight reuse tells convnets (worth a second thread) from dense networks (not)', () => {
  const dense = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 32 }), tf.layers.dense({ units: 27 })] });
  const convnet = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3 }),
      tf.layers.maxPooling2d({ poolSize: 4 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 27 }),
    ],
  });
  expect(weightReuse(dense)).toBeLessThan(1.01);
  expect(weightReuse(dense)).toBeGreaterThan(0.9);
  expect(weightReuse(convnet)).toBeGreaterThan(8);
  dense.dispose();
  convnet.dispose();
});
