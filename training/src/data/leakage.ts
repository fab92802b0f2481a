import { createHash } from 'node:crypto';
import { namedSets } from './split.ts';
import type { DatasetSplits, ImageSet } from './types.ts';

/** Images of split `b` that are byte-for-byte copies of an image in split `a` (a comes first). */
export interface CrossSplitDuplicates {
  readonly a: string;
  readonly b: string;
  /** How many images of `b` have an exact copy in `a`. */
  readonly count: number;
  /** Up to `maxExamples` pairs [index in a, index in b]. */
  readonly examples: readonly (readonly [number, number])[];
}

/** Images that repeat an earlier image of the same split: not leakage, but they weigh twice. */
export interface WithinSplitDuplicates {
  readonly split: string;
  readonly count: number;
  /** Up to `maxExamples` pairs [first index, repeated index]. */
  readonly examples: readonly (readonly [number, number])[];
}

export interface LeakageReport {
  /** One entry per pair of splits, in order (train/validation, train/test, validation/test). */
  readonly crossSplit: readonly CrossSplitDuplicates[];
  readonly withinSplit: readonly WithinSplitDuplicates[];
  /** Sum of the cross-split counts: 0 means no image is shared between splits. */
  readonly leaked: number;
}

/**
 * Hashes every image (sha256 of its pixels and shape) and reports exact duplicates across splits,
 * the leakage that inflates test accuracy, and within each split.
 */
export function findLeakage(
  splits: DatasetSplits | Readonly<Record<string, ImageSet>>,
  options: { maxExamples?: number } = {},
): LeakageReport {
  const maxExamples = options.maxExamples ?? 5;
  const sets = namedSets(splits);
  const keys = sets.map(([, set]) => Array.from({ length: set.count }, (_, i) => imageKey(set, i)));
  // First index of each distinct image, per split.
  const firstIndex = sets.map(() => new Map<string, number>());
  const withinSplit = sets.map(([name], s): WithinSplitDuplicates => {
    const examples: [number, number][] = [];
    let count = 0;
    keys[s].forEach((key, i) => {
      const first = firstIndex[s].get(key);
      if (first === undefined) firstIndex[s].set(key, i);
      else if (count++ < maxExamples) examples.push([first, i]);
    });
    return { split: name, count, examples };
  });
  const crossSplit: CrossSplitDuplicates[] = [];
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      const examples: [number, number][] = [];
      let count = 0;
      // Every image of b counts, repeats included, so the count is what the evaluation would see.
      keys[b].forEach((key, i) => {
        const inA = firstIndex[a].get(key);
        if (inA !== undefined && count++ < maxExamples) examples.push([inA, i]);
      });
      crossSplit.push({ a: sets[a][0], b: sets[b][0], count, examples });
    }
  }
  return { crossSplit, withinSplit, leaked: crossSplit.reduce((sum, pair) => sum + pair.count, 0) };
}

function imageKey(set: ImageSet, index: number): string {
  const size = set.height * set.width;
  return createHash('sha256')
    .update(`${set.height}x${set.width}:`)
    .update(set.images.subarray(index * size, (index + 1) * size))
    .digest('base64');
}
