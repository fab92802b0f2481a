import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createTrainStep } from '../../src/engine/index.ts';
import {
  EarlyStopping,
  evaluateModel,
  fit,
  LearningRateScheduler,
  ModelCheckpoint,
  createOptimizer,
  setLearningRate,
  type Callback,
  type FitOptions,
} from '../../src/fit/index.ts';
import { buildModel, DENSE_MODEL, loadModel, type ModelConfig } from '../../src/models/index.ts';
import { syntheticSet } from './synthetic.ts';

const train = syntheticSet(240, 1);
const validation = syntheticSet(80, 2);
const config: ModelConfig = { ...DENSE_MODEL, denseUnits: [16] };
const model = () => buildModel(config, { numClasses: train.numClasses, seed: 3 });

function options(overrides: Partial<FitOptions> = {}): FitOptions {
  return {
    epochs: 3,
    batchSize: 32,
    seed: 11,
    optimizer: createOptimizer({ name: 'rmsprop', learningRate: 0.003 }),
    createTrainStep,
    validation,
    ...overrides,
  };
}

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = tempDir('fit');
});

describe('fit', () => {
  it('learns, validates every epoch and calls every hook in order', async () => {
    const calls: string[] = [];
    const spy: Callback = {
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: (epoch) => void calls.push(`epochBegin ${epoch}`),
      onBatchEnd: (log) => void (log.batch === 0 && calls.push(`batchEnd ${log.epoch}`)),
      onEpochEnd: (log) => void calls.push(`epochEnd ${log.epoch}`),
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    const m = model();
    const result = await fit(m, train, options({ callbacks: [spy] }));
    expect(calls).toEqual([
      'trainBegin',
      ...[1, 2, 3].flatMap((e) => [`epochBegin ${e}`, `batchEnd ${e}`, `epochEnd ${e}`]),
      'trainEnd',
    ]);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(result.epochs[2].valAccuracy).toBeGreaterThan(0.9);
    expect(result.epochs[2].loss).toBeLessThan(result.epochs[0].loss);
    const evaluated = await evaluateModel(m, validation, 'validation');
    expect(evaluated.loss).toBeCloseTo(result.epochs[2].valLoss!, 6);
  });

  it('gives the same history for the same seed', async () => {
    const a = await fit(model(), train, options({ epochs: 2 }));
    const b = await fit(model(), train, options({ epochs: 2 }));
    expect(b.epochs.map((e) => [e.loss, e.valLoss])).toEqual(a.epochs.map((e) => [e.loss, e.valLoss]));
  });

  it('stops early when the monitored value does not improve', async () => {
    // A learning rate of 0 never improves the validation loss after the first epoch.
    const result = await fit(
      model(),
      train,
      options({ epochs: 10, optimizer: createOptimizer({ name: 'sgd', learningRate: 0 }), callbacks: [new EarlyStopping({ patience: 2 })] }),
    );
    expect(result.epochs).toHaveLength(3);
    expect(result.stopReason).toMatch(/^early stopping: valLoss has not improved for 2 epochs/);
  });

  it('restores the best weights and the checkpoint holds the best model', async () => {
    // Epoch 1 learns; from epoch 2 a huge learning rate wrecks the model.
    const m = model();
    const dir = join(root, 'best');
    const stopping = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const result = await fit(
      m,
      train,
      options({
        epochs: 6,
        optimizer: createOptimizer({ name: 'sgd', learningRate: 0.5 }),
        callbacks: [
          new LearningRateScheduler({ kind: 'step', every: 1, factor: 1000 }, 0.5),
          stopping,
          new ModelCheckpoint(dir, { extras: { config } }),
        ],
      }),
    );
    const losses = result.epochs.map((e) => e.valLoss!);
    const best = Math.min(...losses);
    expect(losses.indexOf(best)).toBe(0);
    expect(result.epochs).toHaveLength(3);
    expect((await evaluateModel(m, validation, 'validation')).loss).toBeCloseTo(best, 5);
    const saved = await loadModel(dir);
    expect((await evaluateModel(saved, validation, 'validation')).loss).toBeCloseTo(best, 5);
    const history = JSON.parse(await readFile(join(dir, 'history.json'), 'utf8'));
    expect(history.epochs).toHaveLength(1);
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual(config);
  });

  it('follows a step learning-rate schedule', async () => {
    const result = await fit(
      model(),
      train,
      options({ epochs: 4, callbacks: [new LearningRateScheduler({ kind: 'step', every: 2, factor: 0.5 }, 0.004)] }),
    );
    expect(result.epochs.map((e) => e.learningRate)).toEqual([0.004, 0.004, 0.002, 0.002]);
  });

  it.each(['adam', 'rmsprop', 'sgd', 'momentum'] as const)('changes the step size of %s between steps', async (name) => {
    const m = model();
    const optimizer = createOptimizer({ name, learningRate: 0.01 });
    const step = createTrainStep(m, optimizer);
    const batch = { images: Float32Array.from(train.images.subarray(0, 32 * 784), (p) => p / 255), labels: Int32Array.from(train.labels.subarray(0, 32)), size: 32, height: 28, width: 28 };
    const kernel = () => m.getWeights()[0].dataSync().slice();
    setLearningRate(optimizer, 0);
    const before = kernel();
    await step.run(batch);
    expect(kernel()).toEqual(before);
    setLearningRate(optimizer, 0.01);
    await step.run(batch);
    expect(kernel()).not.toEqual(before);
  });

  it('resumes from a checkpoint exactly where an uninterrupted run would be', async () => {
    const resume = { dir: join(root, 'resume'), fingerprint: 'run-a' };
    const stopping = () => new EarlyStopping({ patience: 5 });
    const uninterrupted = await fit(model(), train, options({ epochs: 4, callbacks: [stopping()] }));
    const first = await fit(model(), train, options({ epochs: 2, resume, callbacks: [stopping()] }));
    expect(first.resumedEpochs).toBe(0);
    // A new process would build a fresh model and optimizer: the checkpoint restores both.
    const second = await fit(model(), train, options({ epochs: 4, resume, callbacks: [stopping()] }));
    expect(second.resumedEpochs).toBe(2);
    expect(second.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(second.epochs.map((e) => [e.loss, e.valLoss])).toEqual(uninterrupted.epochs.map((e) => [e.loss, e.valLoss]));
    await expect(fit(model(), train, options({ resume: { ...resume, fingerprint: 'run-b' } }))).rejects.toThrow(
      /a resume checkpoint of a different run/,
    );
  });
});
