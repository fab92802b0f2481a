import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { buildModel, CONVNET_MODEL, saveModel, type ModelConfig } from '../../src/models/index.ts';

/** A small convnet (2 conv, 2 dense layers) that trains in seconds. */
export const TINY_CONVNET: ModelConfig = { ...CONVNET_MODEL, filters: [4, 8], denseUnits: [16] };

/** Saves an untrained model of `config` in a new directory and returns the directory. */
export async function savedModel(
  config: ModelConfig = TINY_CONVNET,
  options: { numClasses?: number; height?: number; width?: number } = {},
): Promise<string> {
  const dir = join(tempDir('transfer-base'), 'model');
  const model: tf.LayersModel = buildModel(config, { numClasses: options.numClasses ?? 27, height: options.height, width: options.width, seed: 7 });
  await saveModel(model, dir, { config });
  model.dispose();
  return dir;
}
