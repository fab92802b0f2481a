import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { subsetImageSet } from '../../src/data/split.ts';
import type { ImageSet } from '../../src/data/types.ts';
import { createTrainStep, initBackend, type CreateTrainStep } from '../../src/engine/index.ts';
import { createParallelTrainStep } from '../../src/engine/parallel-train-step.ts';
import { loadModel } from '../../src/models/index.ts';
import { loadTransferData, planMethod, prepareModel, trainFold, type TransferMethod } from '../../src/transfer/index.ts';
import { savedModel, TINY_CONVNET } from './helpers.ts';

const npz = join(inject('sharedData'), 'binaryalphadigits', 'binaryalphadigits.npz');
const parallelStep: CreateTrainStep = (model, optimizer) => createParallelTrainStep(model, optimizer, { threads: 2 });
const PLAN = { epochs: 1, fineTuneLayers: 1, learningRate: 1e-2, fineTuneLearningRate: 1e-2 };

let baseDir: string;
let base: tf.LayersModel;
let train: ImageSet;

/** Layer name -> its weights as plain numbers. */
function weights(model: tf.LayersModel): Map<string, number[]> {
  return new Map(model.layers.filter((l) => l.countParams() > 0).map((l) => [l.name, l.getWeights().flatMap((w) => [...w.dataSync()])]));
}

/** Names of the layers whose weights differ from the base's. */
function changedLayers(model: tf.LayersModel): string[] {
  const before = weights(base);
  return [...weights(model)].filter(([name, values]) => values.some((v, i) => v !== before.get(name)![i])).map(([name]) => name);
}

async function trained(method: TransferMethod, seed = 1): Promise<tf.LayersModel> {
  const plan = planMethod(method, base, PLAN);
  return (await trainFold(plan, train, seed, { baseDir, batchSize: 32, createTrainStep })).model;
}

describe('transfer methods train exactly the layers they say', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    baseDir = await savedModel();
    base = await loadModel(baseDir);
    const { set } = await loadTransferData(npz);
    train = subsetImageSet(set, Array.from({ length: 128 }, (_, i) => i * 7));
  });


  it('zero-shot is the base model as is', async () => {
    expect(planMethod('zero-shot', base, PLAN)).toMatchObject({ epochs: 0, trainLayers: 0 });
    expect(changedLayers(await trained('zero-shot'))).toEqual([]);
  });

  it('feature extraction freezes every conv layer and retrains the dense head', async () => {
    expect(planMethod('feature-extraction', base, PLAN).trainLayers).toBe(2);
    expect(changedLayers(await trained('feature-extraction'))).toEqual(['dense1', 'probabilities']);
  });

  it('fine-tuning trains the top N conv/dense layers', async () => {
    expect(changedLayers(await trained('fine-tune'))).toEqual(['probabilities']);
    const plan = planMethod('fine-tune', base, { ...PLAN, fineTuneLayers: 3 });
    const { model } = await trainFold(plan, train, 1, { baseDir, batchSize: 32, createTrainStep });
    expect(changedLayers(model)).toEqual(['block2_conv1', 'dense1', 'probabilities']);
  });

  // Also with a data-parallel step asked for: its workers would not know the layers are held.
  it.each([
    ['this thread', createTrainStep],
    ['2 data-parallel threads asked for', parallelStep],
  ])('frozen BatchNorm layers keep their moving statistics; trained ones adapt (%s)', async (_, step) => {
    const bnDir = await savedModel({ ...TINY_CONVNET, batchNorm: 'beforeActivation' });
    const bnBase = await loadModel(bnDir);
    const plan = planMethod('feature-extraction', bnBase, PLAN);
    const { model } = await trainFold(plan, train, 1, { baseDir: bnDir, batchSize: 32, createTrainStep: step });
    const statistics = (m: tf.LayersModel) =>
      new Map(m.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => [l.name, l.getWeights().flatMap((w) => [...w.dataSync()])]));
    const [before, after] = [statistics(bnBase), statistics(model)];
    expect([...before.keys()]).toEqual(['block1_conv1_bn', 'block2_conv1_bn', 'dense1_bn']);
    for (const frozen of ['block1_conv1_bn', 'block2_conv1_bn']) expect(after.get(frozen)).toEqual(before.get(frozen));
    expect(after.get('dense1_bn')).not.toEqual(before.get('dense1_bn'));
    // In training mode, a frozen layer normalizes by its moving statistics, as at inference.
    const frozen = model.getLayer('block2_conv1_bn');
    const x = tf.randomNormal([4, 5, 5, 8], 3, 2, 'float32', 3);
    const output = (training: boolean) => frozen.apply(x, { training }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(output(true), output(false)))).dataSync()[0]).toBe(0);
    bnBase.dispose();
    model.dispose();
  });

  it('scratch has the same architecture with a fresh, seeded initialization', async () => {
    const plan = planMethod('scratch', base, PLAN);
    const [a, b, c] = [await prepareModel(plan, baseDir, 5), await prepareModel(plan, baseDir, 5), await prepareModel(plan, baseDir, 6)];
    expect(a.layers.map((l) => [l.getClassName(), l.outputShape])).toEqual(base.layers.map((l) => [l.getClassName(), l.outputShape]));
    expect(changedLayers(a)).toEqual(['block1_conv1', 'block2_conv1', 'dense1', 'probabilities']);
    expect(weights(a)).toEqual(weights(b));
    expect(weights(a).get('dense1')).not.toEqual(weights(c).get('dense1'));
    expect(a.layers.every((l) => l.trainable)).toBe(true);
  });
});
