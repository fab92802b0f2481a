import * as tf from '@tensorflow/tfjs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import type { DatasetSplits } from '../../src/data/types.ts';
import { createTrainStep } from '../../src/engine/index.ts';
import { parseGrid } from '../../src/experiments/grid.ts';
import { PRESETS } from '../../src/experiments/presets.ts';
import { runExperiment } from '../../src/experiments/run.ts';
import { tune } from '../../src/experiments/tune.ts';
import { loadModel, readModelExtras } from '../../src/models/index.ts';
import { syntheticSet } from '../fit/synthetic.ts';

const data: DatasetSplits = {
  train: syntheticSet(200, 1),
  validation: syntheticSet(60, 2),
  test: syntheticSet(60, 3),
  source: { name: 'bars', description: 'synthetic bars', files: [], hash: 'f00d', synthetic: true },
};
const small = { ...PRESETS.dense, name: 'small', denseUnits: [16], epochs: 2, batchSize: 32 };

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = tempDir('tune');
});

describe('runExperiment', () => {
  it('writes a complete model directory with test metrics and no resume checkpoint left', async () => {
    const dir = join(root, 'small');
    const result = await runExperiment(small, { data, outDir: dir, seed: 1, createTrainStep, evaluateTest: true, quiet: true });
    expect(result.epochs).toBe(2);
    expect(result.test?.count).toBe(60);
    expect((await readdir(root)).sort()).toEqual(['small']);
    expect((await readdir(dir)).sort()).toEqual(['.letters-output.json', 'config.json', 'dataset.json', 'history.json', 'metrics.json', 'model.json', 'weights.bin']);
    const extras = await readModelExtras(dir);
    expect(extras.metrics).toEqual(result.test);
    expect(extras.config).toEqual(small);
    expect(extras.dataset).toEqual(data.source);
    expect((await loadModel(dir)).outputs[0].shape).toEqual([null, 5]);
  });

  it('refuses a config whose class count differs from the dataset, before training', async () => {
    const dir = join(root, 'mismatch');
    await expect(
      runExperiment({ ...small, numClasses: 27 }, { data, outDir: dir, seed: 1, createTrainStep, evaluateTest: true, quiet: true }),
    ).rejects.toThrow('experiment small: numClasses is 27, but dataset bars has 5 classes');
    await expect(readdir(dir)).rejects.toThrow();
  });
});

describe('tune', () => {
  const grid = parseGrid(
    {
      base: 'dense',
      settings: { denseUnits: [16], batchSize: 32 },
      variants: [{ name: 'adam', optimizer: 'adam' }, { name: 'tiny', denseUnits: [2] }, { name: 'baseline' }],
    },
    'test-grid',
  );

  it('ranks variants by validation accuracy against the baseline, saves the best, and skips finished variants on rerun', async () => {
    const outDir = join(root, 'tune');
    const seen: string[] = [];
    const options = {
      grid,
      gridFile: 'test-grid',
      data,
      outDir,
      seed: 4,
      budget: { epochs: 2 },
      createTrainStep,
      quiet: true,
      onVariant: (name: string, _i: number, _n: number, skipped: boolean) => void seen.push(`${name}${skipped ? ' skipped' : ''}`),
    };
    const report = await tune(options);
    expect(seen).toEqual(['baseline', 'adam', 'tiny']);
    expect(report.rows.map((r) => r.rank)).toEqual([1, 2, 3]);
    const accuracies = report.rows.map((r) => r.valAccuracy);
    expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));
    const baseline = report.rows.find((r) => r.name === 'baseline')!;
    expect(baseline.deltaAccuracyPoints).toBe(0);
    expect(baseline.changes).toBe('-');
    expect(report.rows.find((r) => r.name === 'tiny')!.changes).toBe('denseUnits: 2');
    expect(report.rows.every((r) => r.epochs === 2)).toBe(true);
    expect(report.budget).toBe('2 epochs per variant');
    expect(report.best.name).toBe(report.rows[0].name);
    expect((await readModelExtras(report.best.dir)).metrics?.split).toBe('test');

    const markdown = await readFile(join(outDir, 'results.md'), 'utf8');
    expect(markdown).toContain('Budget: **2 epochs per variant**');
    expect(markdown).toContain('Synthetic data');
    expect(JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8')).rows).toHaveLength(3);
    expect(await readdir(outDir)).toEqual(expect.arrayContaining(['curves.png', 'best', 'variants']));

    seen.length = 0;
    const again = await tune(options);
    expect(seen).toEqual(['baseline skipped', 'adam skipped', 'tiny skipped']);
    expect(again.rows).toEqual(report.rows);

    // A different budget is a different experiment: nothing is skipped.
    seen.length = 0;
    await tune({ ...options, budget: { epochs: 1 } });
    expect(seen).toEqual(['baseline', 'adam', 'tiny']);
  });
});
