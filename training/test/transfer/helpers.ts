import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { buildModel, CONVNET_MODEL, saveModel, type ModelConfig } from '../../src/models/index.ts';

/** A small convnet (2 conv, 2 dense layers) that trains in seconds. */
export const TINY_CONVNET: ModelConfig = { ...CONVNET_MODEL, filters: [4, 8], denseUnits: [16] };

const created: string[] = [];

/** A new temporary directory, removed by `removeTempDirs`. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `letters-transfer-${prefix}-`));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Saves an untrained model of `config` in a new directory and returns the directory. */
export async function savedModel(
  config: ModelConfig = TINY_CONVNET,
  options: { numClasses?: number; height?: number; width?: number } = {},
): Promise<string> {
  const dir = join(await tempDir('base'), 'model');
  const model: tf.LayersModel = buildModel(config, { numClasses: options.numClasses ?? 27, height: options.height, width: options.width, seed: 7 });
  await saveModel(model, dir, { config });
  model.dispose();
  return dir;
}
