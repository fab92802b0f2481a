import * as tf from '@tensorflow/tfjs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import type { DatasetSplits } from '../../src/data/types.ts';
import { createTrainStep } from '../../src/engine/index.ts';
import { loadDataset } from '../../src/data/registry.ts';
import { COMBINED, parseGrid } from '../../src/experiments/grid.ts';
import { PRESETS } from '../../src/experiments/presets.ts';
import { runExperiment, type ExperimentResult } from '../../src/experiments/run.ts';
import { combineVariants, convergedEpoch, effectsAxisLimit, effectsChart, helpfulVariants, type TuneRow } from '../../src/experiments/tune-summary.ts';
import { tune, type GridRun } from '../../src/experiments/tune.ts';
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
    expect((await readdir(root)).sort()).toContain('small');
    expect((await readdir(dir)).sort()).toEqual(['.letters-output.json', 'config.json', 'dataset.json', 'history.json', 'metrics.json', 'model.json', 'weights.bin']);
    const extras = await readModelExtras(dir);
    expect(extras.metrics).toEqual(result.test);
    expect(extras.config).toEqual(small);
    expect(extras.dataset).toEqual(data.source);
    expect((await loadModel(dir)).outputs[0].shape).toEqual([null, 5]);
  });

  it('trains the same weights from the same seed, with dropout and augmentation on, and other weights from another seed', async () => {
    const noisy = { ...small, dropout: { conv: 0, dense: 0.5 }, augmentation: { rotation: 10, shift: 0.1, zoom: 0.1, shear: 5 } };
    const weights = async (name: string, seed: number) => {
      await runExperiment(noisy, { data, outDir: join(root, name), seed, createTrainStep, evaluateTest: false, quiet: true });
      return readFile(join(root, name, 'weights.bin'));
    };
    const [a, b, c] = [await weights('seeded-a', 5), await weights('seeded-b', 5), await weights('seeded-c', 6)];
    expect(b.equals(a)).toBe(true);
    expect(c.equals(a)).toBe(false);
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
  it('trains every variant over the seeds to convergence; the table recomputes from the runs; a rerun reuses them', async () => {
    const letters = await loadDataset('fixtures', { limit: 300 });
    const grid = parseGrid(
      {
        base: 'dense',
        seeds: 2,
        convergence: { patience: 1, maxEpochs: 3 },
        settings: { denseUnits: [16], batchSize: 32 },
        variants: [{ name: 'adam', optimizer: 'adam' }, { name: 'tiny', denseUnits: [2] }, { name: 'dropout', dropout: { conv: 0, dense: 0.3 } }],
      },
      'test-grid',
    );
    const outDir = join(root, 'tune');
    const seen: string[] = [];
    const options = {
      grid,
      gridFile: 'test-grid',
      data: letters,
      outDir,
      seed: 4,
      createTrainStep,
      quiet: true,
      onRun: (run: GridRun, _i: number, _n: number, skipped: boolean) => void seen.push(`${run.variant}/${run.seed}${skipped ? ' reused' : ''}`),
    };
    const report = await tune(options);
    expect(seen.slice(0, 8)).toEqual(['baseline/4', 'baseline/5', 'adam/4', 'adam/5', 'tiny/4', 'tiny/5', 'dropout/4', 'dropout/5']);
    expect(report.seeds).toEqual([4, 5]);
    expect(report.budget).toBe('2 seeds per variant, each to convergence (patience 1, at most 3 epochs)');

    // Every figure of the table, recomputed here from the runs' own result files.
    const runResult = async (variant: string, seed: number): Promise<ExperimentResult> =>
      (JSON.parse(await readFile(join(outDir, 'variants', variant, `seed-${seed}`, 'result.json'), 'utf8')) as { result: ExperimentResult }).result;
    const t975 = 12.706205; // two seeds: 1 degree of freedom
    const stats = (xs: number[]) => {
      const m = (xs[0]! + xs[1]!) / 2;
      const sd = Math.abs(xs[0]! - xs[1]!) / Math.SQRT2;
      return { m, sd, half: (t975 * sd) / Math.SQRT2 };
    };
    const accuracy = async (variant: string, split: 'validation' | 'test') =>
      Promise.all([4, 5].map(async (seed) => (await runResult(variant, seed))[split]!.accuracy));
    for (const row of report.rows.filter((r) => r.name !== COMBINED)) {
      for (const split of ['validation', 'test'] as const) {
        const own = stats(await accuracy(row.name, split));
        expect(row[split].mean).toBeCloseTo(own.m, 12);
        expect(row[split].sd).toBeCloseTo(own.sd, 12);
        const baseline = await accuracy('baseline', split);
        const diff = stats((await accuracy(row.name, split)).map((x, i) => 100 * (x - baseline[i]!)));
        const interval = split === 'validation' ? row.validationDifference : row.testDifference;
        expect(interval.mean).toBeCloseTo(diff.m, 10);
        if (row.name === 'baseline') continue;
        expect(interval.low).toBeCloseTo(diff.m - diff.half, 4);
        expect(interval.high).toBeCloseTo(diff.m + diff.half, 4);
        // The words: a variant is "indistinguishable" exactly when its recomputed interval holds zero.
        const line = report.effects.find((l) => l.startsWith(`On ${split} accuracy: `))!;
        const noise = /indistinguishable from the baseline at 2 seeds: ([^.;]+)/.exec(line)?.[1]?.split(', ') ?? [];
        expect(noise.includes(row.name), `${row.name} in: ${line}`).toBe(diff.m - diff.half <= 0 && diff.m + diff.half >= 0);
      }
      const runs = await Promise.all([4, 5].map((seed) => runResult(row.name, seed)));
      expect(row.epochs).toBeCloseTo((runs[0]!.epochs + runs[1]!.epochs) / 2, 12);
      expect(runs.every((r) => r.epochs <= 3 && r.test !== undefined)).toBe(true);
      // Converged: the epoch with the lowest validation loss, the run stopping one epoch (the patience) later or at the cap.
      for (const r of runs) expect(r.epochs === 3 || r.epochs === convergedEpoch(r) + 1).toBe(true);
    }
    expect(report.rows.map((r) => r.validation.mean)).toEqual([...report.rows.map((r) => r.validation.mean)].sort((a, b) => b - a));
    expect(report.rows.find((r) => r.name === 'tiny')!.changes).toBe('denseUnits: 2');
    expect(report.effects[0]).toContain('seeds 4, 5');
    expect(report.effects.some((line) => line.startsWith('On validation accuracy: '))).toBe(true);
    expect((await readModelExtras(report.best.dir)).metrics?.split).toBe('test');

    const markdown = await readFile(join(outDir, 'results.md'), 'utf8');
    expect(markdown).toContain('Synthetic data');
    expect(markdown).toContain('Val vs baseline, pts [95% CI]');
    expect(await readdir(outDir)).toEqual(expect.arrayContaining(['effects.png', 'curves.png', 'best', 'variants']));

    seen.length = 0;
    const again = await tune(options);
    expect(seen.every((line) => line.endsWith(' reused'))).toBe(true);
    expect(again.rows).toEqual(report.rows);
  });
});

describe('combining what helped', () => {
  const baseline = { ...PRESETS.convnet, name: 'baseline' };
  const interval = (mean: number, low: number, high: number) => ({ n: 3, mean, sd: 1, low, high });
  const row = (name: string, validation: number, low: number, high: number) =>
    ({ name, validation: interval(validation, 0, 0), validationDifference: interval((low + high) / 2, low, high) }) as TuneRow;

  it('keeps only variants whose validation interval lies above zero, and merges their changes (the better one wins a shared setting)', () => {
    const rows = [row('elu', 0.93, 0.1, 0.5), row('selu', 0.92, 0.05, 0.3), row('adam', 0.91, 0.2, 0.9), row('l2', 0.95, -0.1, 0.8), row('baseline', 0.9, 0, 0)];
    const helpful = helpfulVariants(rows);
    expect(helpful.map((r) => r.name)).toEqual(['elu', 'selu', 'adam']);
    const configs = new Map([
      ['elu', { ...baseline, name: 'elu', activation: 'elu' as const }],
      ['selu', { ...baseline, name: 'selu', activation: 'selu' as const, initializer: 'leCunNormal' as const }],
      ['adam', { ...baseline, name: 'adam', optimizer: 'adam' as const }],
    ]);
    expect(combineVariants(baseline, helpful, configs)).toEqual({
      ...baseline,
      name: COMBINED,
      activation: 'elu',
      initializer: 'leCunNormal',
      optimizer: 'adam',
    });
  });
});

describe('the effects chart', () => {
  const row = (name: string, mean: number, low: number, high: number) => ({ name, validationDifference: { n: 3, mean, sd: 1, low, high } }) as TuneRow;

  it('centres its axis on the baseline, fits every interval, and never spans less than half a point each way', () => {
    // A tenth of a point stays a tenth of a point on a +-0.5 axis.
    expect(effectsAxisLimit([row('baseline', 0, 0, 0), row('a', 0.1, 0.05, 0.15)])).toBe(0.5);
    // The widest interval end, either side, rounded up to a half point.
    expect(effectsAxisLimit([row('a', 0.4, -0.3, 1.1), row('b', -0.9, -1.6, -0.2)])).toBe(2);
    // One seed: no interval, the mean alone.
    expect(effectsAxisLimit([row('a', -0.7, NaN, NaN)])).toBe(1);
  });

  it('draws the baseline as one labelled line (not a bar), an error bar per variant, on a symmetric axis', async () => {
    const chart = await effectsChart([row('baseline', 0, 0, 0), row('adam', 0.6, 0.2, 1), row('tanh', -0.3, -0.8, 0.2)], 'effects');
    expect(chart.svg.match(/>baseline<\/text>/g)).toHaveLength(1);
    expect(chart.svg.match(/stroke="#d62728"/g)).toHaveLength(1);
    expect(chart.svg.match(/stroke="#333"/g)).toHaveLength(2);
    expect(chart.svg).toContain('>adam</text>');
    for (const tick of ['−1.0', '+0.0', '+1.0']) expect(chart.svg).toContain(`>${tick}</text>`);
  });
});
