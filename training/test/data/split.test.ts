import { describe, expect, test } from 'vitest';
import { LettersError } from '../../src/common/index.ts';
import { createRandom, mulberry32 } from '../../src/data/random.ts';
import { stratifiedKFold, stratifiedSplit, subsetImageSet } from '../../src/data/split.ts';
import type { ImageSet } from '../../src/data/types.ts';

/** Labels 1-26 with uneven class sizes (20 to 145), in a scrambled order. */
function unevenLabels(): Uint8Array {
  const labels: number[] = [];
  for (let c = 1; c <= 26; c++) for (let i = 0; i < 15 + 5 * c; i++) labels.push(c);
  return Uint8Array.from(createRandom(1).shuffle(labels));
}

function countsByClass(labels: ArrayLike<number>, indices: ArrayLike<number>): number[] {
  const counts = new Array<number>(27).fill(0);
  for (let i = 0; i < indices.length; i++) counts[labels[indices[i]]]++;
  return counts;
}

describe('mulberry32 / createRandom', () => {
  test('same seed, same sequence; different seed, different sequence', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  test('uniform mean and normal moments are right over 100,000 draws', () => {
    const random = createRandom(7);
    let sum = 0;
    let sumN = 0;
    let sumN2 = 0;
    for (let i = 0; i < 100_000; i++) {
      sum += random.next();
      const z = random.normal();
      sumN += z;
      sumN2 += z * z;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    expect(sumN / 100_000).toBeCloseTo(0, 1);
    expect(sumN2 / 100_000).toBeCloseTo(1, 1);
  });
  test('shuffle is a permutation', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const shuffled = createRandom(3).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });
});

describe('stratifiedSplit', () => {
  const labels = unevenLabels();
  const fractions = { train: 0.8, validation: 0.1, test: 0.1 };

  test('splits are disjoint and cover every index', () => {
    const split = stratifiedSplit(labels, fractions, 5);
    const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from(labels, (_, i) => i));
  });

  test('each class is divided 80/10/10 within 2 images, and totals within 1', () => {
    const split = stratifiedSplit(labels, fractions, 5);
    const total = countsByClass(labels, Array.from(labels, (_, i) => i));
    for (const [name, share] of Object.entries(fractions) as [keyof typeof fractions, number][]) {
      const counts = countsByClass(labels, split[name]);
      for (let c = 1; c <= 26; c++) expect(Math.abs(counts[c] - share * total[c])).toBeLessThanOrEqual(2);
      expect(Math.abs(split[name].length - share * labels.length)).toBeLessThanOrEqual(1);
    }
  });

  test('deterministic per seed, different across seeds', () => {
    const a = stratifiedSplit(labels, fractions, 11);
    expect(stratifiedSplit(labels, fractions, 11)).toEqual(a);
    expect(Array.from(stratifiedSplit(labels, fractions, 12).test)).not.toEqual(Array.from(a.test));
  });

  test('a zero fraction gives an empty split', () => {
    const split = stratifiedSplit(labels, { train: 0.7, validation: 0, test: 0.3 }, 1);
    expect(split.validation.length).toBe(0);
    expect(split.train.length + split.test.length).toBe(labels.length);
  });

  test('fractions that do not sum to 1 are a LettersError', () => {
    expect(() => stratifiedSplit(labels, { train: 0.8, validation: 0.3, test: 0.1 }, 1)).toThrow(LettersError);
    expect(() => stratifiedSplit(labels, { train: 1.1, validation: -0.1, test: 0 }, 1)).toThrow(/sum to 1/);
  });
});

describe('stratifiedKFold', () => {
  const labels = unevenLabels();

  test('validation folds are disjoint, cover every index, and each fold trains on the rest', () => {
    const folds = stratifiedKFold(labels, 5, 2);
    expect(folds).toHaveLength(5);
    const all = folds.flatMap((f) => [...f.validation]).sort((a, b) => a - b);
    expect(all).toEqual(Array.from(labels, (_, i) => i));
    for (const fold of folds) {
      const validation = new Set(fold.validation);
      expect(fold.train.length + fold.validation.length).toBe(labels.length);
      expect(fold.train.some((i) => validation.has(i))).toBe(false);
    }
  });

  test('each class is spread over the folds within 1 image, fold sizes within 1', () => {
    const folds = stratifiedKFold(labels, 5, 2);
    const total = countsByClass(labels, Array.from(labels, (_, i) => i));
    for (const fold of folds) {
      const counts = countsByClass(labels, fold.validation);
      for (let c = 1; c <= 26; c++) expect(Math.abs(counts[c] - total[c] / 5)).toBeLessThan(1);
      expect(Math.abs(fold.validation.length - labels.length / 5)).toBeLessThanOrEqual(1);
    }
  });

  test('deterministic per seed', () => {
    expect(stratifiedKFold(labels, 4, 9)).toEqual(stratifiedKFold(labels, 4, 9));
    expect(Array.from(stratifiedKFold(labels, 4, 10)[0].validation)).not.toEqual(
      Array.from(stratifiedKFold(labels, 4, 9)[0].validation),
    );
  });

  test('k larger than the smallest class is a LettersError naming the class and its size', () => {
    // Class 1 has 20 images.
    expect(() => stratifiedKFold(labels, 21, 1)).toThrow(LettersError);
    expect(() => stratifiedKFold(labels, 21, 1)).toThrow(/class 1 has 20 images/);
    expect(() => stratifiedKFold(labels, 1, 1)).toThrow(/at least 2/);
    expect(stratifiedKFold(labels, 20, 1)).toHaveLength(20);
  });
});

describe('subsetImageSet', () => {
  test('copies the images and labels at the given indices, in order', () => {
    const set: ImageSet = {
      images: Uint8Array.from({ length: 4 * 6 }, (_, i) => i),
      labels: Uint8Array.of(1, 2, 3, 4),
      count: 4,
      height: 2,
      width: 3,
      numClasses: 27,
      classNames: [],
    };
    const subset = subsetImageSet(set, [3, 1]);
    expect(subset.count).toBe(2);
    expect(Array.from(subset.labels)).toEqual([4, 2]);
    expect(Array.from(subset.images)).toEqual([18, 19, 20, 21, 22, 23, 6, 7, 8, 9, 10, 11]);
    expect(() => subsetImageSet(set, [4])).toThrow(RangeError);
  });
});
