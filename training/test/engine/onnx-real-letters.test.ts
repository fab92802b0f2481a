import { expect, inject, test } from 'vitest';
import { createTrainStep, initBackend } from '../../src/engine/index.ts';
import { loadDataset } from '../../src/data/registry.ts';
import { createOptimizer, fit } from '../../src/fit/index.ts';
import { buildModel, CONVNET_MODEL } from '../../src/models/index.ts';

/**
 * Chollet's convnet, two epochs on a stratified subsample of the case-merged ByClass letters, from the
 * same initial weights and batches on the wasm engine and on onnxruntime: the validation accuracies agree
 * within one point (the engines differ only in rounding).
 */
test('two epochs of the convnet on real letters: onnxruntime within one point of the wasm engine', async () => {
  const data = await loadDataset('byclass-letters', { dataDir: inject('sharedData'), limit: 2500 });
  const accuracy: Record<string, number> = {};
  for (const backend of ['wasm', 'onnxruntime'] as const) {
    await initBackend({ backend, threads: 1 });
    const model = buildModel(CONVNET_MODEL, { numClasses: data.train.numClasses, seed: 11 });
    const result = await fit(model, data.train, {
      epochs: 2,
      batchSize: 32,
      seed: 3,
      optimizer: createOptimizer({ name: 'rmsprop', learningRate: 0.001 }),
      createTrainStep,
      validation: data.validation,
    });
    accuracy[backend] = result.epochs.at(-1)!.valAccuracy!;
  }
  console.log(`validation accuracy after 2 epochs: ${JSON.stringify(accuracy)}`);
  // Far above chance (1/26): both engines learned.
  expect(accuracy['wasm']).toBeGreaterThan(0.5);
  expect(Math.abs(accuracy['onnxruntime']! - accuracy['wasm']!)).toBeLessThanOrEqual(0.01);
});
