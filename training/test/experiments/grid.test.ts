import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { LettersError } from '../../src/common/index.ts';
import { DEFAULT_GRID_FILE, parseGrid, readExperimentFile, readGrid } from '../../src/experiments/grid.ts';
import { PRESETS } from '../../src/experiments/presets.ts';
import { describeChanges } from '../../src/experiments/tune-summary.ts';

let root: string;
beforeAll(() => {
  root = tempDir('grid');
});

const expectError = (fn: () => unknown, message: string | RegExp) => {
  expect(fn).toThrow(LettersError);
  expect(fn).toThrow(message);
};

describe('grid files', () => {
  it('resolves variants over the base preset and puts the baseline first', () => {
    const grid = parseGrid({ settings: { epochs: 2 }, variants: [{ name: 'elu', activation: 'elu' }, { name: 'tuned', preset: 'tuned' }] }, 'g.json');
    expect(grid.variants.map((v) => v.name)).toEqual(['baseline', 'elu', 'tuned']);
    expect(grid.variants[0]).toEqual({ ...PRESETS.convnet, name: 'baseline', epochs: 2 });
    expect(grid.variants[1].activation).toBe('elu');
    expect(grid.variants[2]).toEqual({ ...PRESETS.tuned, epochs: 2 });
  });

  it('names the file and key of an unknown key', () => {
    expectError(() => parseGrid({ variants: [{ name: 'x', activaton: 'elu' }] }, 'g.json'), /^g\.json: variants\[0\]: Unrecognized key: "activaton"/);
    expectError(() => parseGrid({ variant: [] }, 'g.json'), /g\.json.*"variant"/);
  });

  it('names the file and key of a bad value', () => {
    expectError(() => parseGrid({ variants: [{ name: 'x', activation: 'swish' }] }, 'g.json'), /^g\.json: variants\[0\]\.activation: .*"relu"/);
    expectError(() => parseGrid({ variants: [{ name: 'x', dropout: { conv: 2, dense: 0 } }] }, 'g.json'), 'g.json: variants[0].dropout.conv: ');
    expectError(() => parseGrid({ variants: [{ name: 'x', learningRate: -1 }] }, 'g.json'), 'g.json: variants[0].learningRate: ');
    expectError(() => parseGrid({ variants: [{ name: 'x', schedule: { kind: 'step', every: 0, factor: 0.5 } }] }, 'g.json'), 'g.json: variants[0].schedule.every: ');
    expectError(() => parseGrid({ base: 'resnet', variants: [{ name: 'x' }] }, 'g.json'), 'g.json: base: ');
  });

  it('rejects architectures that shrink the image to nothing, and duplicate names', () => {
    expectError(
      () => parseGrid({ variants: [{ name: 'deep', filters: [8, 8, 8, 8], convsPerBlock: 2 }] }, 'g.json'),
      'g.json: variants[0] ("deep").filters: 4 blocks of 2 valid convs shrink 28x28 images to nothing',
    );
    expectError(() => parseGrid({ variants: [{ name: 'a' }, { name: 'a' }] }, 'g.json'), 'g.json: two variants are named "a"');
  });

  it('names the file when it is missing or not JSON', async () => {
    const bad = join(root, 'bad.json');
    await writeFile(bad, '{ "variants": [ }');
    await expect(readGrid(bad)).rejects.toThrow(`${bad}: not valid JSON`);
    await expect(readGrid(join(root, 'missing.json'))).rejects.toThrow(`${join(root, 'missing.json')}: cannot read the grid file (ENOENT)`);
  });

  it('trains every variant to convergence over the seeds: the grid patience and maximum, unless a variant stops early its own way', () => {
    const grid = parseGrid(
      { seeds: 4, convergence: { patience: 2, maxEpochs: 12 }, variants: [{ name: 'es', earlyStopping: { patience: 5, restoreBestWeights: true } }] },
      'g.json',
    );
    expect(grid.seeds).toBe(4);
    expect(grid.variants.map((v) => [v.epochs, v.earlyStopping])).toEqual([
      [12, { patience: 2, restoreBestWeights: false }],
      [12, { patience: 5, restoreBestWeights: true }],
    ]);
    expect(parseGrid({ variants: [{ name: 'x' }] }, 'g.json').seeds).toBe(3);
    expectError(() => parseGrid({ variants: [{ name: 'combined' }] }, 'g.json'), 'g.json: "combined" names the variant tuning adds');
    expectError(() => parseGrid({ convergence: { patience: 0, maxEpochs: 3 }, variants: [{ name: 'x' }] }, 'g.json'), 'g.json: convergence.patience: ');
  });

  it('ships a default grid that varies each technique in isolation, to convergence over at least 3 seeds', async () => {
    const grid = await readGrid(DEFAULT_GRID_FILE);
    expect(grid.seeds).toBeGreaterThanOrEqual(3);
    expect(grid.convergence).toBeDefined();
    const baseline = grid.variants[0];
    const isolated = grid.variants.filter((v) => v.name !== 'baseline');
    const changed = new Set(isolated.flatMap((v) => describeChanges(v, baseline).split(', ').map((c) => c.split(':')[0])));
    for (const technique of [
      'initializer',
      'activation',
      'optimizer',
      'schedule',
      'batchNorm',
      'augmentation',
      'l2',
      'dropout',
      'earlyStopping',
      'pooling',
      'filters',
      'convsPerBlock',
      'denseUnits',
    ]) {
      expect(changed, technique).toContain(technique);
    }
  });
});

describe('experiment files', () => {
  it('start from the convnet (or a preset) and take their name from the file', async () => {
    const path = join(root, 'wide-elu.json');
    await writeFile(path, JSON.stringify({ filters: [64, 128, 128], activation: 'elu' }));
    expect(await readExperimentFile(path)).toEqual({ ...PRESETS.convnet, name: 'wide-elu', filters: [64, 128, 128], activation: 'elu' });
    await writeFile(path, JSON.stringify({ preset: 'dense', name: 'd', epochs: 1 }));
    expect(await readExperimentFile(path)).toEqual({ ...PRESETS.dense, name: 'd', epochs: 1 });
    await writeFile(path, JSON.stringify({ pooling: 'min' }));
    await expect(readExperimentFile(path)).rejects.toThrow(`${path}: pooling: `);
  });
});
