import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportToOnnx } from '@letters/export';
import { seededImages } from '@letters/inference';
import { LETTER_CLASS_NAMES } from '@letters/contract';
import { buildModel, CONVNET_MODEL, DENSE_MODEL, type ModelConfig } from '@letters/training';
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
