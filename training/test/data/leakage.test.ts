import { describe, expect, test } from 'vitest';
import { findLeakage } from '../../src/data/leakage.ts';
import { createRandom } from '../../src/data/random.ts';
import type { ImageSet } from '../../src/data/types.ts';

function randomSet(count: number, seed: number): ImageSet {
  const random = createRandom(seed);
  return {
    images: Uint8Array.from({ length: count * 16 }, () => random.int(256)),
    labels: Uint8Array.from({ length: count }, () => 1 + random.int(26)),
    count,
    height: 4,
    width: 4,
    numClasses: 27,
    classNames: [],
  };
}

/** Copies image `from` of `source` over image `to` of `target`. */
function plant(source: ImageSet, from: number, target: ImageSet, to: number): void {
  target.images.set(source.images.subarray(from * 16, (from + 1) * 16), to * 16);
}

describe('findLeakage', () => {
  test('clean splits report nothing', () => {
    const report = findLeakage({ train: randomSet(200, 1), validation: randomSet(30, 2), test: randomSet(30, 3) });
    expect(report.leaked).toBe(0);
    expect(report.crossSplit.map((p) => [p.a, p.b, p.count])).toEqual([
      ['train', 'validation', 0],
      ['train', 'test', 0],
      ['validation', 'test', 0],
    ]);
    expect(report.withinSplit.every((s) => s.count === 0)).toBe(true);
  });

  test('planted duplicates are counted per pair of splits with example indices', () => {
    const train = randomSet(200, 1);
    const validation = randomSet(30, 2);
    const test = randomSet(30, 3);
    plant(train, 17, test, 4);
    plant(train, 99, test, 20);
    plant(validation, 5, test, 9);
    plant(train, 3, validation, 0);
    plant(train, 150, train, 151);
    const report = findLeakage({ train, validation, test });
    const byPair = Object.fromEntries(report.crossSplit.map((p) => [`${p.a}/${p.b}`, p]));
    expect(byPair['train/test'].count).toBe(2);
    expect(byPair['train/test'].examples).toEqual([
      [17, 4],
      [99, 20],
    ]);
    expect(byPair['validation/test'].count).toBe(1);
    expect(byPair['validation/test'].examples).toEqual([[5, 9]]);
    expect(byPair['train/validation'].examples).toEqual([[3, 0]]);
    expect(report.leaked).toBe(4);
    expect(report.withinSplit.find((s) => s.split === 'train')).toEqual({ split: 'train', count: 1, examples: [[150, 151]] });
  });

  test('examples are capped, counts are not', () => {
    const train = randomSet(50, 1);
    const test = randomSet(50, 2);
    for (let i = 0; i < 12; i++) plant(train, i, test, i);
    const [pair] = findLeakage({ train, test }, { maxExamples: 3 }).crossSplit;
    expect(pair.count).toBe(12);
    expect(pair.examples).toHaveLength(3);
  });

  test('images of different shapes with the same bytes are not duplicates', () => {
    const a = randomSet(1, 1);
    const b: ImageSet = { ...a, height: 2, width: 8 };
    expect(findLeakage({ a, b }).leaked).toBe(0);
  });
});
