import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportToOnnx } from '@letters/export';
import { seededImages } from '@letters/inference';
import { LETTER_CLASS_NAMES, mulberry32, shuffle } from '@letters/contract';
import { buildModel, CONVNET_MODEL, DENSE_MODEL, initBackend, loadDataset, type ImageSet, type ModelConfig } from '@letters/training';
import { tempDir } from './temp-dir.ts';

export interface TestModel {
  readonly tfjs: tf.LayersModel;
  readonly onnx: Uint8Array;
  /** The ONNX file in a fresh temporary directory. */
  readonly path: string;
}

/**
 * A seeded, untrained Letters model (27 softmax outputs) exported to ONNX. Random weights are enough
 * to compare runtimes, batching and preprocessing paths: every comparison is against another real run.
 */
export async function testModel(kind: 'convnet' | 'dense' = 'convnet', seed = 7): Promise<TestModel> {
  await tf.setBackend('cpu');
  const config: ModelConfig = kind === 'convnet' ? { ...CONVNET_MODEL, filters: [8, 16, 16], denseUnits: [32] } : DENSE_MODEL;
  const tfjs = buildModel(config, { numClasses: 27, seed });
  const { onnx } = await exportToOnnx(tfjs, { labels: LETTER_CLASS_NAMES });
  const path = join(tempDir('inference'), `${kind}.onnx`);
  await writeFile(path, onnx);
  return { tfjs, onnx, path };
}

/** Deterministic pseudo-random model-ready images in [0, 1]. */
export const randomImages = (count: number, seed = 1): Float32Array => seededImages(count, seed).images;

/**
 * A small convnet trained briefly on real letters (EMNIST ByClass test letters, case-merged, seeded
 * split; about 76% on its test split, ~30 s on tfjs-wasm), exported to `<dir>/<name>.onnx`; with the
 * test split it was not trained on. A base model for personalization tests: good on real letters,
 * poor on a strongly slanted hand.
 */
export async function trainLettersBase(dataDir: string, dir: string, name: string): Promise<{ path: string; test: ImageSet }> {
  await initBackend({ backend: 'wasm' });
  const { train, test } = await loadDataset('byclass-letters', { dataDir, limit: 6000 });
  const model = buildModel({ ...CONVNET_MODEL, filters: [8, 16], denseUnits: [64] }, { numClasses: 27, seed: 1 });
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'sparseCategoricalCrossentropy' });
  await fitInSeededOrder(model, train, 2, 1);
  const { onnx } = await exportToOnnx(model, { labels: LETTER_CLASS_NAMES });
  model.dispose();
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, onnx);
  return { path, test };
}

/**
 * Trains a compiled model on `set` (pixels 0-255 scaled to [0, 1]) for `epochs` in batches of 64, each
 * epoch in an order drawn from `seed`: fit's own shuffle draws from Math.random, and the tests that
 * start from these models (personalization's margins) must see the same model on every run.
 */
export async function fitInSeededOrder(model: tf.LayersModel, set: ImageSet, epochs: number, seed: number): Promise<void> {
  const xs = tf.tensor4d(Float32Array.from(set.images, (v) => v / 255), [set.count, set.height, set.width, 1]);
  const ys = tf.tensor1d(Float32Array.from(set.labels));
  const random = mulberry32(seed);
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = tf.tensor1d(shuffle(Array.from({ length: set.count }, (_, i) => i), random), 'int32');
      const [x, y] = [tf.gather(xs, order), tf.gather(ys, order)];
      await model.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
      tf.dispose([order, x, y]);
    }
  } finally {
    xs.dispose();
    ys.dispose();
  }
}
