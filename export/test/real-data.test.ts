import * as tf from '@tensorflow/tfjs';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, expect, inject, test } from 'vitest';
import { initBackend, loadDataset, type DatasetSplits } from '@letters/training';
import { exportToOnnx } from '../src/export-model.ts';
import { checkParity, DEFAULT_TOLERANCE, type OnnxRunner } from '../src/verify/parity.ts';
import { parityOf, seeded, sequential, useCpuBackend } from './helpers.ts';

/** onnxruntime-web's wasm backend inside Node, as the browser demo and `--runtime web` use it. */
const runWithOnnxruntimeWeb: OnnxRunner = async (model, batch, shape) => {
  ortWeb.env.wasm.wasmPaths = new URL('.', import.meta.resolve('onnxruntime-web')).pathname;
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(model, { executionProviders: ['wasm'] });
  try {
    const outputs = await session.run({ image: new ortWeb.Tensor('float32', batch, shape) });
    return outputs['probabilities']!.data as Float32Array;
  } finally {
    await session.release();
  }
};

let data: DatasetSplits;
let model: tf.Sequential;

/**
 * A small convnet trained for a few seconds on real EMNIST letters (wasm training backend), so its
 * argmaxes mean something; the parity reference is then the exact cpu backend.
 */
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  data = await loadDataset('byclass-letters', { dataDir: inject('sharedData'), limit: 1500 });
  model = sequential([28, 28, 1], [
    tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(41) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(42) }),
    tf.layers.batchNormalization({}),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.dense({ units: 27, activation: 'softmax', kernelInitializer: seeded(43) }),
  ]);
  model.compile({ optimizer: tf.train.adam(0.003), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const { train } = data;
  const x = tf.tensor4d(Float32Array.from(train.images, (v) => v / 255), [train.count, 28, 28, 1]);
  const y = tf.tensor1d(Float32Array.from(train.labels));
  await model.fit(x, y, { epochs: 3, batchSize: 64, shuffle: false, verbose: 0 });
  tf.dispose([x, y]);
  await useCpuBackend();
});

test('a model trained on real letters exports with parity on real test images', async () => {
  const { report } = await exportToOnnx(model, { images: data.test });
  const { parity } = report;
  console.log(`real letters, onnxruntime-node: ${JSON.stringify(parity)}`);
  expect(parity.imageSamples).toBe(256);
  expect(parity.maxAbsDiff).toBeLessThan(DEFAULT_TOLERANCE);
  expect(parity.imageArgmaxAgreement).toBe(1);
  // The model learned something: its argmax on test letters is far above chance (1/26).
  const predicted = tf.tidy(() => {
    const x = tf.tensor4d(Float32Array.from(data.test.images, (v) => v / 255), [data.test.count, 28, 28, 1]);
    return Array.from((model.predict(x) as tf.Tensor).argMax(-1).dataSync());
  });
  const accuracy = predicted.reduce((n, p, i) => n + (p === data.test.labels[i] ? 1 : 0), 0) / data.test.count;
  console.log(`tiny convnet test accuracy on ${data.test.count} real letters: ${accuracy.toFixed(3)}`);
  expect(accuracy).toBeGreaterThan(0.3);
});

test('the same export runs in onnxruntime-web (wasm, inside Node) with the same parity', async () => {
  const { onnx } = await exportToOnnx(model, { images: data.test, maxImages: 64 });
  const parity = await checkParity(model, onnx, [28, 28, 1], { images: data.test, runner: runWithOnnxruntimeWeb });
  console.log(`real letters, onnxruntime-web: ${JSON.stringify(parity)}`);
  expect(parity.imageSamples).toBe(256);
  expect(parity.maxAbsDiff).toBeLessThan(DEFAULT_TOLERANCE);
  expect(parity.argmaxAgreement).toBe(1);
});

test('negative control on real letters: a plain NCHW Flatten agrees on few argmaxes', async () => {
  const { onnx: _, ...wrong } = await parityOf(model, { flattenOrder: 'nchw', images: data.test });
  console.log(`real letters, NCHW flatten: ${JSON.stringify(wrong)}`);
  expect(wrong.passed).toBe(false);
  expect(wrong.imageArgmaxAgreement).toBeLessThan(0.3);
});
