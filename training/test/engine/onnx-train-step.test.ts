import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { createLocalTrainStep } from '../../src/engine/local-train-step.ts';
import { createOnnxTrainStep, type OnnxRuntimeName } from '../../src/engine/onnx-train-step.ts';
import type { Batch } from '../../src/engine/train-step.ts';
import { createOptimizer, type OptimizerName } from '../../src/fit/optimizers.ts';
import { relativeError } from './on-backends.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SIZE = 10;
const CLASSES = 5;

/** A small convnet with batch norm and both kinds of pooling: every weight kind the step writes back. */
function buildModel(): tf.LayersModel {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 4, kernelSize: 3, useBias: false, ...init(1) }),
      tf.layers.batchNormalization({ momentum: 0.9 }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 3, kernelSize: 2, activation: 'relu', ...init(2) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: CLASSES, activation: 'softmax', ...init(3) }),
    ],
  });
}

function batchOf(seed: number, size = 8): Batch {
  const images = tf.randomUniform([size * SIZE * SIZE], 0, 1, 'float32', seed).dataSync() as Float32Array;
  return { images, labels: Int32Array.from({ length: size }, (_, i) => (i + seed) % CLASSES), size, height: SIZE, width: SIZE };
}

/** Two models with the same weights, and an optimizer for each. */
function twins(optimizer: OptimizerName) {
  const a = buildModel();
  const b = buildModel();
  b.setWeights(a.getWeights());
  const config = { name: optimizer, learningRate: 0.01 };
  return { a, b, optA: createOptimizer(config), optB: createOptimizer(config) };
}

async function expectSameState(ours: tf.LayersModel, oursOptimizer: tf.Optimizer, reference: tf.LayersModel, referenceOptimizer: tf.Optimizer, tolerance: number) {
  ours.weights.forEach((w, i) => {
    expect(relativeError(w.read().dataSync() as Float32Array, reference.weights[i]!.read().dataSync() as Float32Array), w.name).toBeLessThan(tolerance);
  });
  const [mine, theirs] = [await oursOptimizer.getWeights(), await referenceOptimizer.getWeights()];
  // Variable names differ between the twins (tfjs numbers them); slots line up by position.
  expect(mine.map((w) => w.name.split('/').at(-1))).toEqual(theirs.map((w) => w.name.split('/').at(-1)));
  // rmsprop at momentum 0: tfjs's momentum slot holds the last update, never read; the graph keeps none (zeros).
  const unused = (name: string) => oursOptimizer.getClassName() === 'RMSProp' && name.endsWith('/momentum');
  mine.forEach((w, i) => unused(w.name) || expect(relativeError(w.tensor.dataSync() as Float32Array, theirs[i]!.tensor.dataSync() as Float32Array), w.name).toBeLessThan(tolerance));
}

describe('the onnxruntime step against the tfjs step (cpu backend)', () => {
  for (const optimizer of ['rmsprop', 'adam'] as const) {
    test(`${optimizer}: weights, batch-norm statistics and optimizer state agree after sync, and training continues from them`, async () => {
      const { a, b, optA, optB } = twins(optimizer);
      const onnx = createOnnxTrainStep(a, optA, { runtime: 'onnxruntime', threads: 1 });
      const local = createLocalTrainStep(b, optB);
      for (let i = 0; i < 3; i++) {
        const [x, y] = [await onnx.run(batchOf(i)), await local.run(batchOf(i))];
        expect(x.loss).toBeCloseTo(y.loss, 4);
        expect(x.accuracy).toBeCloseTo(y.accuracy, 6);
      }
      await onnx.sync!();
      onnx.dispose();
      await expectSameState(a, optA, b, optB, 1e-4);
      // A new step starts from the synced model and optimizer, as after a resume.
      const resumed = createOnnxTrainStep(a, optA, { runtime: 'onnxruntime', threads: 1 });
      await resumed.run(batchOf(9));
      await local.run(batchOf(9));
      await resumed.sync!();
      resumed.dispose();
      await expectSameState(a, optA, b, optB, 1e-4);
    });
  }
});

test('onnxruntime-node and onnxruntime-web run the same steps within 1e-4', async () => {
  const { a, b, optA, optB } = twins('rmsprop');
  const steps = (['onnxruntime', 'onnxruntime-web'] as OnnxRuntimeName[]).map((runtime, i) => createOnnxTrainStep([a, b][i]!, [optA, optB][i]!, { runtime, threads: 1 }));
  for (let i = 0; i < 3; i++) {
    const [node, web] = [await steps[0]!.run(batchOf(i)), await steps[1]!.run(batchOf(i))];
    expect(Math.abs(node.loss - web.loss)).toBeLessThan(1e-4);
  }
  for (const step of steps) {
    await step.sync!();
    step.dispose();
  }
  await expectSameState(a, optA, b, optB, 1e-4);
});
