import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LETTER_CLASS_NAMES } from '@letters/contract';
import { exportToOnnx } from '@letters/export';
import { initBackend, loadDataset, type DatasetSplits } from '@letters/training';
import { tempDir } from './temp-dir.ts';

export interface TrainedLettersModel {
  /** The case-merged ByClass letters it was trained on (a seeded stratified subsample). */
  readonly data: DatasetSplits;
  readonly onnx: Uint8Array;
  /** The float32 ONNX file, in a fresh temporary directory. */
  readonly path: string;
}

/**
 * A small convnet trained for a few seconds on real letters (byclass-letters, wasm training), exported
 * with its dataset in the metadata, so that accuracies and argmaxes mean something. Its layers have
 * enough weights that the file size is theirs, as in a real model, not the graph's.
 */
export async function trainedLettersModel(dataDir: string, limit = 3000): Promise<TrainedLettersModel> {
  await initBackend({ backend: 'wasm' });
  const data = await loadDataset('byclass-letters', { dataDir, limit });
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(41) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(42) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(43) }),
      tf.layers.dense({ units: 27, activation: 'softmax', kernelInitializer: init(44) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.003), loss: 'sparseCategoricalCrossentropy' });
  const { train } = data;
  const x = tf.tensor4d(Float32Array.from(train.images, (v) => v / 255), [train.count, 28, 28, 1]);
  const y = tf.tensor1d(Float32Array.from(train.labels));
  await model.fit(x, y, { epochs: 4, batchSize: 64, shuffle: false, verbose: 0 });
  tf.dispose([x, y]);
  await tf.setBackend('cpu');
  const { onnx } = await exportToOnnx(model, {
    labels: LETTER_CLASS_NAMES,
    extras: { dataset: { name: data.source.name, description: data.source.description, hash: data.source.hash } },
  });
  model.dispose();
  const path = join(tempDir('trained'), 'letters.onnx');
  await writeFile(path, onnx);
  return { data, onnx, path };
}
