import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import {
  EMNIST_CLASS_NAMES,
  LETTER_CLASS_NAMES,
  byClassDigits,
  caseMergeLetters,
  emnistFileName,
  emnistZipMember,
  encodeIdxImages,
  encodeIdxLabels,
  readBinaryAlphaDigits,
  readEmnist,
  readMnist,
  transposeImages,
  type ImageSet,
} from '../../src/data/index.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';

const shared = inject('sharedData');
const sampleFile = (kind: 'images' | 'labels') => join(shared, 'emnist-letters', emnistFileName('letters', 'train-sample', kind));
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** The character of each class in an official `emnist-*-mapping.txt` (`label code [code]` per line). */
function mappingFile(path: string): Map<number, string> {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return new Map(lines.map((line) => line.split(' ').map(Number)).map(([label, code]) => [label, String.fromCharCode(code)]));
}

/** Mean image of each class, 28x28. */
function classMeans(set: ImageSet): Float64Array[] {
  const size = set.height * set.width;
  const sums = Array.from({ length: set.numClasses }, () => new Float64Array(size));
  const counts = new Array<number>(set.numClasses).fill(0);
  for (let i = 0; i < set.count; i++) {
    counts[set.labels[i]]++;
    for (let p = 0; p < size; p++) sums[set.labels[i]][p] += set.images[i * size + p];
  }
  return sums.map((sum, k) => sum.map((v) => v / Math.max(1, counts[k])));
}

/** Zero mean, unit length: the dot product of two such vectors is their correlation. */
function standardize(x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x);
  const mean = out.reduce((a, b) => a + b, 0) / out.length;
  for (let i = 0; i < out.length; i++) out[i] -= mean;
  const norm = Math.hypot(...out);
  return out.map((v) => v / norm);
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [x, y] = [standardize(a), standardize(b)];
  return x.reduce((sum, v, i) => sum + v * y[i], 0);
}

/** Accuracy of labelling each image of `set` with the class (1-26) whose mean image correlates best. */
function nearestMeanAccuracy(set: ImageSet, means: readonly Float64Array[]): number {
  const size = set.height * set.width;
  const references = means.map(standardize);
  let correct = 0;
  for (let i = 0; i < set.count; i++) {
    const image = standardize(set.images.subarray(i * size, (i + 1) * size));
    const scores = references.map((reference, k) => {
      if (k === 0) return -Infinity;
      let dot = 0;
      for (let p = 0; p < size; p++) dot += image[p] * reference[p];
      return dot;
    });
    const best = scores.indexOf(Math.max(...scores));
    if (best === set.labels[i]) correct++;
  }
  return correct / set.count;
}

describe('EMNIST ByClass test split (../shared/data)', () => {
  let byclass: ImageSet;
  beforeAll(async () => {
    byclass = (await readEmnist(shared, 'byclass', 'test')).set;
  });

  test('116,323 upright 28x28 images, 62 classes named as the official mapping file says', () => {
    expect([byclass.count, byclass.height, byclass.width, byclass.numClasses]).toEqual([116_323, 28, 28, 62]);
    const mapping = mappingFile(join(shared, 'emnist-byclass', 'emnist-byclass-mapping.txt'));
    expect(EMNIST_CLASS_NAMES.byclass).toEqual(Array.from({ length: 62 }, (_, k) => mapping.get(k)));
  });

  test('case-merged letters: 58,405 images, 10-35 and 36-61 both map to 1-26, digits dropped', () => {
    const letters = caseMergeLetters(byclass);
    expect(letters.count).toBe(58_405);
    expect([letters.numClasses, letters.classNames]).toEqual([27, LETTER_CLASS_NAMES]);
    // Count per merged class = upper + lower count in ByClass.
    const byclassCounts = new Array<number>(62).fill(0);
    for (const label of byclass.labels) byclassCounts[label]++;
    const mergedCounts = new Array<number>(27).fill(0);
    for (const label of letters.labels) mergedCounts[label]++;
    expect(mergedCounts[0]).toBe(0);
    for (let k = 1; k <= 26; k++) expect(mergedCounts[k]).toBe(byclassCounts[9 + k] + byclassCounts[35 + k]);
    // The first letter keeps its pixels.
    const first = byclass.labels.findIndex((label) => label >= 10);
    expect(sameBytes(letters.images.subarray(0, 784), byclass.images.subarray(first * 784, (first + 1) * 784))).toBe(true);
  });

  test('digits: classes 0-9 only', () => {
    const digits = byClassDigits(byclass);
    expect(digits.count + caseMergeLetters(byclass).count).toBe(byclass.count);
    expect([digits.numClasses, Math.max(...digits.labels)]).toEqual([10, 9]);
  });

  test('labels agree with the Letters train sample: each merged class mean is closest to the same class', async () => {
    const sample = (await readEmnist(shared, 'letters', 'train-sample')).set;
    const [a, b] = [classMeans(caseMergeLetters(byclass)), classMeans(sample)];
    for (let k = 1; k <= 26; k++) {
      const scores = b.map((mean, j) => (j === 0 ? -Infinity : correlation(a[k], mean)));
      expect(scores.indexOf(Math.max(...scores)), LETTER_CLASS_NAMES[k]).toBe(k);
    }
  });
});

describe('EMNIST Letters train sample and the official Letters mapping', () => {
  test('3,536 images with labels 1-26; class names match emnist-letters-mapping.txt', async () => {
    const { set, files } = await readEmnist(shared, 'letters', 'train-sample');
    expect([set.count, set.height, set.width]).toEqual([3536, 28, 28]);
    expect(files).toEqual([sampleFile('images'), sampleFile('labels')]);
    expect(Math.min(...set.labels)).toBe(1);
    expect(Math.max(...set.labels)).toBe(26);
    const mapping = mappingFile(join(shared, 'emnist-letters', 'emnist-letters-mapping.txt'));
    expect(LETTER_CLASS_NAMES.slice(1)).toEqual(Array.from({ length: 26 }, (_, k) => mapping.get(k + 1)));
  });

  test('images come out upright: class means of EMNIST recognise Binary AlphaDigits letters, transposed ones do not', async () => {
    // Binary AlphaDigits is stored upright, so it is an independent check of EMNIST's orientation and labels.
    const sample = (await readEmnist(shared, 'letters', 'train-sample')).set;
    const alpha = (await readBinaryAlphaDigits(shared, 'npz')).set;
    const upright = nearestMeanAccuracy(alpha, classMeans(sample));
    const transposed = nearestMeanAccuracy(alpha, classMeans({ ...sample, images: transposeImages(sample.images, sample.count, 28, 28) }));
    // Chance is 1/26 = 0.038; measured 0.26 upright and 0.026 transposed.
    expect(upright).toBeGreaterThan(0.15);
    expect(transposed).toBeLessThan(upright / 4);
  });

  test('reads the same from a gzip.zip holding the official member names', async () => {
    const dir = tempDir('zip');
    writeFileSync(
      join(dir, 'gzip.zip'),
      zipSync({
        [emnistZipMember('letters', 'train', 'images')]: readFileSync(sampleFile('images')),
        [emnistZipMember('letters', 'train', 'labels')]: readFileSync(sampleFile('labels')),
      }),
    );
    const fromZip = await readEmnist(dir, 'letters', 'train');
    const fromFiles = await readEmnist(shared, 'letters', 'train-sample');
    expect(fromZip.files).toEqual([`${join(dir, 'gzip.zip')}:gzip/emnist-letters-train-images-idx3-ubyte.gz`, `${join(dir, 'gzip.zip')}:gzip/emnist-letters-train-labels-idx1-ubyte.gz`]);
    expect(sameBytes(fromZip.set.images, fromFiles.set.images)).toBe(true);
    expect(sameBytes(fromZip.set.labels, fromFiles.set.labels)).toBe(true);
  });
});

describe('Binary AlphaDigits (npz and mat) at 28x28', () => {
  test('both files give identical 28x28 sets, padded left and right like resize_with_pad', async () => {
    const npz = await readBinaryAlphaDigits(shared, 'npz');
    const mat = await readBinaryAlphaDigits(shared, 'mat');
    expect(npz.files).toEqual([join(shared, 'binaryalphadigits', 'binaryalphadigits.npz')]);
    expect([npz.set.count, npz.set.height, npz.set.width]).toEqual([1014, 28, 28]);
    expect(sameBytes(npz.set.images, mat.set.images)).toBe(true);
    expect(sameBytes(npz.set.labels, mat.set.labels)).toBe(true);
    // 20x16 scales to 28x22: columns 0-1 and 24-27 are padding, the rest holds ink somewhere.
    const inkInColumn = (c: number) => npz.set.images.some((v, i) => i % 28 === c && v > 0);
    expect([0, 1, 24, 25, 26, 27].map(inkInColumn)).toEqual([false, false, false, false, false, false]);
    expect([2, 23].map(inkInColumn)).toEqual([true, true]);
    // 39 of each letter.
    expect(npz.set.labels.filter((label) => label === 26).length).toBe(39);
  });

  test('without a format, the npz is preferred', async () => {
    expect((await readBinaryAlphaDigits(shared)).files[0]).toMatch(/binaryalphadigits\.npz$/);
  });
});

describe('classic MNIST files', () => {
  test('are read upright (not transposed) from train-images-idx3-ubyte.gz', async () => {
    const dir = tempDir('mnist');
    mkdirSync(join(dir, 'mnist'));
    const images = Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 13) % 256);
    const set = { images, count: 3, height: 28, width: 28 };
    writeFileSync(join(dir, 'mnist', 'train-images-idx3-ubyte.gz'), encodeIdxImages(set, { transposed: false, gzip: true }));
    writeFileSync(join(dir, 'mnist', 'train-labels-idx1-ubyte'), encodeIdxLabels(Uint8Array.from([0, 5, 9])));
    const { set: read } = await readMnist(dir, 'train');
    expect(sameBytes(read.images, images)).toBe(true);
    expect(read.classNames).toEqual([...'0123456789']);
  });
});
