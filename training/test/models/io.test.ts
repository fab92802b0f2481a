import * as tf from '@tensorflow/tfjs';
import { readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { LettersError } from '../../src/common/index.ts';
import { buildModel, CONVNET_MODEL, loadModel, readModelExtras, saveModel, type ModelExtras } from '../../src/models/index.ts';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = tempDir('model-io');
});

const config = { ...CONVNET_MODEL, filters: [4, 8], denseUnits: [8], batchNorm: 'afterActivation' as const };
const input = () => tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 3);

async function savedModel(name: string, extras: ModelExtras = {}): Promise<{ dir: string; model: tf.LayersModel }> {
  const model = buildModel(config, { numClasses: 27, seed: 5 });
  const dir = join(root, name);
  await saveModel(model, dir, extras);
  return { dir, model };
}

describe('saveModel / loadModel', () => {
  it('round-trips a model with identical predictions and its extras', async () => {
    const extras: ModelExtras = {
      config,
      history: { epochs: [{ epoch: 1, loss: 1, accuracy: 0.5, learningRate: 0.001, seconds: 2 }] },
      metrics: { split: 'test', count: 10, loss: 0.3, accuracy: 0.9 },
    };
    const { dir, model } = await savedModel('round-trip', extras);
    expect((await readdir(dir)).sort()).toEqual(['.letters-output.json', 'config.json', 'history.json', 'metrics.json', 'model.json', 'weights.bin']);
    const loaded = await loadModel(dir);
    const x = input();
    expect((loaded.predict(x) as tf.Tensor).arraySync()).toEqual((model.predict(x) as tf.Tensor).arraySync());
    expect(loaded.countParams()).toBe(model.countParams());
    expect(await readModelExtras(dir)).toEqual(extras);
  });

  it('writes the standard tfjs layers format', async () => {
    const { dir } = await savedModel('format');
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const weightData = new Uint8Array(await readFile(join(dir, 'weights.bin'))).buffer;
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }),
    );
    expect(loaded.layers.length).toBeGreaterThan(3);
  });

  it('replaces an existing model directory as a whole', async () => {
    const { dir } = await savedModel('replace', { metrics: { split: 'test', count: 1, loss: 1, accuracy: 1 } });
    await saveModel(buildModel(config, { numClasses: 27, seed: 6 }), dir);
    expect((await readdir(dir)).sort()).toEqual(['.letters-output.json', 'model.json', 'weights.bin']);
    expect((await readdir(root)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('names the directory when it does not exist', async () => {
    const dir = join(root, 'nothing-here');
    await expect(loadModel(dir)).rejects.toThrow(LettersError);
    await expect(loadModel(dir)).rejects.toThrow(`${dir}: no such model directory`);
  });

  it('names model.json when it is missing or not JSON', async () => {
    const { dir } = await savedModel('bad-json');
    await writeFile(join(dir, 'model.json'), '{"modelTopology": ');
    await expect(loadModel(dir)).rejects.toThrow(`${join(dir, 'model.json')}: not valid JSON`);
    await rm(join(dir, 'model.json'));
    await expect(loadModel(dir)).rejects.toThrow(`${join(dir, 'model.json')}: cannot read`);
  });

  it('names weights.bin when it is missing or truncated', async () => {
    const { dir } = await savedModel('bad-weights');
    const weights = join(dir, 'weights.bin');
    await truncate(weights, 100);
    await expect(loadModel(dir)).rejects.toThrow(LettersError);
    await expect(loadModel(dir)).rejects.toThrow(`${weights}: 100 bytes`);
    await rm(weights);
    await expect(loadModel(dir)).rejects.toThrow(`${weights}: cannot read (no such file); the weights of ${join(dir, 'model.json')} are not readable`);
  });

  it('validates model.json before tfjs sees it: its format, layer sizes, the weights manifest', async () => {
    const { dir } = await savedModel('hostile-json');
    const path = join(dir, 'model.json');
    const original = JSON.parse(await readFile(path, 'utf8')) as { modelTopology: { config: { layers: { config: Record<string, unknown> }[] } }; weightsManifest: { weights: { shape: number[] }[] }[] };
    const cases: [(json: typeof original) => unknown, string][] = [
      [() => ({ weightsManifest: [] }), `${path}: modelTopology: Invalid input`],
      [(json) => ({ ...json, weightsManifest: 'x' }), `${path}: weightsManifest: Invalid input`],
      [(json) => { json.weightsManifest[0]!.weights[0]!.shape = [-1, 3]; return json; }, `${path}: weightsManifest[0].weights[0].shape[0]: Too small`],
      [(json) => { json.weightsManifest[0]!.weights[0]!.shape = [2 ** 30, 16]; return json; }, 'bytes, more than the limit of'],
      [(json) => { json.modelTopology.config.layers.find((l) => 'units' in l.config)!.config.units = 1e9; return json; }, 'units is 1000000000; layer sizes must be integers from 1 to 8192'],
    ];
    for (const [change, message] of cases) {
      await writeFile(path, JSON.stringify(change(structuredClone(original))));
      const error = await loadModel(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LettersError);
      expect((error as Error).message).toContain(message);
    }
  });
});
