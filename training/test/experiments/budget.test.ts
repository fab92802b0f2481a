import { describe, expect, it } from 'vitest';
import { LettersError } from '../../src/common/index.ts';
import { planBudget, tuningSample } from '../../src/experiments/budget.ts';
import { syntheticSet } from '../fit/synthetic.ts';
import { parseGrid } from '../../src/experiments/grid.ts';

describe('planning a time budget', () => {
  const grid = parseGrid(
    { seeds: 3, convergence: { patience: 3, maxEpochs: 30 }, variants: [{ name: 'a', activation: 'elu' }, { name: 'b', activation: 'tanh' }] },
    'g.json',
  );
  // Seconds per epoch: 60 over the three variants, plus 30 reserved for their combination (the costliest).
  const epochSeconds = { baseline: 10, a: 20, b: 30 };
  const plan = (minutes: number) => {
    const p = planBudget(grid, minutes, epochSeconds);
    return { seeds: p.seeds, maxEpochs: p.maxEpochs, predicted: p.predictedMinutes };
  };

  it("keeps the grid's seeds and epochs when they fit, and never plans more than the budget", () => {
    expect(plan(135)).toEqual({ seeds: 3, maxEpochs: 30, predicted: 135 });
    expect(plan(1000)).toEqual({ seeds: 3, maxEpochs: 30, predicted: 135 });
    for (const minutes of [3, 7, 10, 20, 30, 90]) expect(plan(minutes).predicted).toBeLessThanOrEqual(minutes);
  });

  it('gives up epochs first (down to the patience plus two), then seeds (down to 2), then epochs again', () => {
    expect(plan(30)).toEqual({ seeds: 3, maxEpochs: 6, predicted: 27 });
    expect(plan(20)).toEqual({ seeds: 2, maxEpochs: 6, predicted: 18 });
    expect(plan(10)).toEqual({ seeds: 2, maxEpochs: 3, predicted: 9 });
    expect(plan(3)).toEqual({ seeds: 2, maxEpochs: 1, predicted: 3 });
  });

  it('says how many minutes one epoch over 2 seeds needs when the budget is smaller', () => {
    const tooSmall = () => planBudget(grid, 2, epochSeconds);
    expect(tooSmall).toThrow(LettersError);
    expect(tooSmall).toThrow('--budget-minutes 2: one epoch of each of the 3 variants (and their combination) over 2 seeds takes about 3.0 minutes here; give at least 3');
  });

  it("counts each run's setup once, not once per epoch", () => {
    // 6 s of setup per run: 24 s per seed (three variants and the combination's reserve).
    const setup = { baseline: 6, a: 6, b: 6 };
    const withSetup = (minutes: number) => {
      const p = planBudget(grid, minutes, epochSeconds, setup);
      return { seeds: p.seeds, maxEpochs: p.maxEpochs, predicted: p.predictedMinutes };
    };
    expect(withSetup(135).maxEpochs).toBe(29);
    expect(withSetup(135).predicted).toBeCloseTo((3 * (24 + 29 * 90)) / 60, 10);
    expect(withSetup(137)).toMatchObject({ seeds: 3, maxEpochs: 30 });
    expect(withSetup(137).predicted).toBeCloseTo(136.2, 10);
    expect(() => planBudget(grid, 3, epochSeconds, setup)).toThrow('over 2 seeds takes about 3.8 minutes here; give at least 4');
  });

  it('plans fewer training images, one epoch over 2 seeds, when even that does not fit the whole split', () => {
    // One epoch over 2 seeds of the whole split: 3 minutes; half of it fits 1.5.
    const half = planBudget(grid, 1.5, epochSeconds, {}, 10_000);
    expect(half).toMatchObject({ seeds: 2, maxEpochs: 1, images: 5000 });
    expect(half.predictedMinutes).toBeCloseTo(1.5, 10);
    expect(planBudget(grid, 3, epochSeconds, {}, 10_000).images).toBeUndefined();
    // 400 of 800 images would fit: fewer than it plans with.
    expect(() => planBudget(grid, 1.5, epochSeconds, {}, 800)).toThrow('takes about 3.0 minutes here; give at least 3 (at 500 of its training images, the fewest it plans, 2)');
  });

  it("tunes on samples of the training and validation splits in proportion, the test split whole, under another hash", () => {
    const data = { train: syntheticSet(200, 1), validation: syntheticSet(60, 2), test: syntheticSet(60, 3), source: { name: 'bars', description: 'bars', files: [], hash: 'f00d', synthetic: true } };
    expect(tuningSample(data, undefined)).toBe(data);
    const sample = tuningSample(data, 100);
    expect([sample.train.count, sample.validation.count]).toEqual([100, 30]);
    expect(sample.test).toBe(data.test);
    expect(sample.source.hash).not.toBe('f00d');
    expect(tuningSample(data, 100).source.hash).toBe(sample.source.hash);
  });
});
