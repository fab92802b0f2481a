import { LettersError } from '../common/index.ts';
import { createRandom } from './random.ts';
import type { DatasetSplits, ImageSet } from './types.ts';

export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** Indices into the labelled set, ascending, disjoint, together covering every index. */
export interface SplitIndices {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
}

export interface Fold {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
}

/**
 * Seeded, stratified train/validation/test split: every class is divided in the given proportions
 * (each split's count of each class is within 2 of its exact share; split totals within 1).
 */
export function stratifiedSplit(labels: ArrayLike<number>, fractions: SplitFractions, seed: number): SplitIndices {
  const shares = [fractions.train, fractions.validation, fractions.test];
  if (shares.some((f) => !Number.isFinite(f) || f < 0) || Math.abs(shares[0] + shares[1] + shares[2] - 1) > 1e-6) {
    throw new LettersError(
      `split fractions ${JSON.stringify(fractions)}: each must be in [0, 1] and together they must sum to 1`,
    );
  }
  const [train, validation, test] = partsToIndices(assignStratified(labels, shares, seed), 3);
  return { train, validation, test };
}

/**
 * Seeded, stratified k-fold cross-validation: fold i validates on the i-th part and trains on the
 * rest. Each class is spread evenly over the folds, so k may not exceed the smallest class.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new LettersError(`k-fold: k = ${k}; use an integer of at least 2`);
  const counts = classCounts(labels);
  const smallest = counts.reduce((min, n, label) => (n > 0 && (min < 0 || n < counts[min]) ? label : min), -1);
  if (smallest >= 0 && counts[smallest] < k) {
    throw new LettersError(
      `k-fold: k = ${k} is larger than the smallest class (class ${smallest} has ${counts[smallest]} images); ` +
        `use k of at most ${counts[smallest]}`,
    );
  }
  const part = assignStratified(labels, new Array<number>(k).fill(1 / k), seed);
  return partsToIndices(part, k).map((validation, fold) => {
    const train = new Uint32Array(part.length - validation.length);
    let n = 0;
    for (let i = 0; i < part.length; i++) if (part[i] !== fold) train[n++] = i;
    return { train, validation };
  });
}

/** The images and labels at `indices`, in that order, as a new ImageSet (pixels are copied). */
export function subsetImageSet(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = set.height * set.width;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= set.count) {
      throw new RangeError(`subsetImageSet: index ${index} outside [0, ${set.count})`);
    }
    images.set(set.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = set.labels[index];
  }
  return { ...set, images, labels, count: indices.length };
}

function classCounts(labels: ArrayLike<number>): number[] {
  const counts: number[] = [];
  for (let i = 0; i < labels.length; i++) counts[labels[i]] = (counts[labels[i]] ?? 0) + 1;
  return Array.from(counts, (n) => n ?? 0);
}

/**
 * Which part each item goes to. Items are grouped by class, shuffled within each class, and then
 * dealt in that order to the part furthest behind its share (largest deficit first). The deficit
 * of every part stays within 1 at every position, so each class (a run of positions) and the
 * whole set are divided in the given shares up to rounding.
 */
function assignStratified(labels: ArrayLike<number>, shares: readonly number[], seed: number): Uint16Array {
  const random = createRandom(seed);
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) (byClass[labels[i]] ??= []).push(i);
  const part = new Uint16Array(labels.length);
  const dealt = new Array<number>(shares.length).fill(0);
  let position = 0;
  for (const members of byClass) {
    if (members === undefined) continue;
    for (const index of random.shuffle(members)) {
      position++;
      let best = 0;
      for (let p = 1; p < shares.length; p++) {
        if (shares[p] * position - dealt[p] > shares[best] * position - dealt[best]) best = p;
      }
      dealt[best]++;
      part[index] = best;
    }
  }
  return part;
}

function partsToIndices(part: Uint16Array, parts: number): Uint32Array[] {
  const sizes = new Array<number>(parts).fill(0);
  for (const p of part) sizes[p]++;
  const out = sizes.map((n) => new Uint32Array(n));
  const filled = new Array<number>(parts).fill(0);
  for (let i = 0; i < part.length; i++) out[part[i]][filled[part[i]]++] = i;
  return out;
}

/** The image sets of a DatasetSplits (train, validation, test) or of any named collection. */
export function namedSets(data: DatasetSplits | Readonly<Record<string, ImageSet>>): [string, ImageSet][] {
  if (isDatasetSplits(data)) return [['train', data.train], ['validation', data.validation], ['test', data.test]];
  return Object.entries(data);
}

function isDatasetSplits(data: DatasetSplits | Readonly<Record<string, ImageSet>>): data is DatasetSplits {
  return 'source' in data && 'train' in data && 'validation' in data && 'test' in data;
}

/** At most `limit` images of a set, stratified and seeded, so every class stays represented. */
export function stratifiedSample(set: ImageSet, limit: number, seed: number): ImageSet {
  if (set.count <= limit) return set;
  const share = limit / set.count;
  const picked = stratifiedSplit(set.labels, { train: share, validation: 1 - share, test: 0 }, seed).train;
  return subsetImageSet(set, picked.subarray(0, limit));
}
