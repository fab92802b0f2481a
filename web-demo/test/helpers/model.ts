import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportToOnnx, quantizeOnnx } from '@letters/export';
import { LETTER_CLASS_NAMES } from '@letters/contract';
import { buildModel, CONVNET_MODEL, DENSE_MODEL, initBackend, loadDataset } from '@letters/training';
import { fitInSeededOrder } from '../../../test-support/models.ts';

/**
 * A small dense model trained on the generated fixture letters in a seeded order (about 97% on their
 * test split, a few seconds on tfjs-wasm), exported to ONNX as `<name>.onnx` in `dir`. Good enough that a clearly drawn
 * L, T or O comes out on top.
 */
export async function trainFixtureModel(fixturesDir: string, dir: string, name: string, epochs = 10): Promise<string> {
  await initBackend({ backend: 'wasm' });
  const { train } = await loadDataset('fixtures', { fixturesDir });
  const model = buildModel({ ...DENSE_MODEL, denseUnits: [64] }, { numClasses: train.numClasses, seed: 1 });
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'sparseCategoricalCrossentropy' });
  await fitInSeededOrder(model, train, epochs, 1);
  return exportTo(model, train.classNames, dir, name);
}

/**
 * A small untrained convnet (seeded weights) exported as `<name>.onnx`: convolutions and pooling are what
 * the pipeline's models run, and parity between runtimes needs no training.
 */
export async function convnetModel(dir: string, name: string): Promise<string> {
  await initBackend({ backend: 'wasm' });
  const model = buildModel({ ...CONVNET_MODEL, filters: [8, 16, 16], denseUnits: [32] }, { numClasses: 27, seed: 3 });
  return exportTo(model, LETTER_CLASS_NAMES, dir, name);
}

async function exportTo(model: tf.LayersModel, labels: readonly string[], dir: string, name: string): Promise<string> {
  const { onnx } = await exportToOnnx(model, { labels });
  model.dispose();
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, onnx);
  return path;
}

/** `<model>.int8.onnx` beside a fixture model: int8 QDQ, calibrated and verified on the fixtures. */
export async function quantizedFixtureModel(fixturesDir: string, path: string, to: 'int8' | 'fp16'): Promise<string> {
  const { train, test, source } = await loadDataset('fixtures', { fixturesDir });
  const inputs = (set: typeof train) => ({ images: Float32Array.from(set.images, (v) => v / 255), count: set.count, shape: [28, 28, 1] });
  const { onnx } = await quantizeOnnx(new Uint8Array(await readFile(path)), {
    to,
    test: { inputs: { ...inputs(test), labels: test.labels }, name: 'fixtures test', hash: source.hash },
    calibration: { inputs: inputs(train), name: 'fixtures train', hash: source.hash },
    maxAccuracyLoss: 5, // a model trained for seconds on generated letters: the page, not the targets, is tested here
  });
  const out = path.replace(/\.onnx$/, `.${to}.onnx`);
  await writeFile(out, onnx);
  return out;
}
