import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { LettersError } from '@letters/contract';
import { DATASET_NAMES, loadDataset, resolveDataDir, type DatasetSplits, type ImageSet } from '../../src/data/index.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';

const shared = inject('sharedData');
const fixtures = inject('fixtures');

function classCounts(set: ImageSet): number[] {
  const counts = new Array<number>(set.numClasses).fill(0);
  for (const label of set.labels) counts[label]++;
  return counts;
}
const total = (d: DatasetSplits) => d.train.count + d.validation.count + d.test.count;

/** A data dir whose files are symlinks to `files` (no copies of the real data). */
function linkedDir(files: Record<string, string>): string {
  const dir = tempDir('registry');
  for (const [name, target] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    symlinkSync(target, join(dir, name));
  }
  return dir;
}

describe('byclass-letters: the dev stand-in for EMNIST Letters', () => {
  test('seeded stratified 80/10/10 split of the 58,405 case-merged ByClass test letters', async () => {
    const data = await loadDataset('byclass-letters', { dataDir: shared });
    expect(total(data)).toBe(58_405);
    expect(data.train.count / total(data)).toBeCloseTo(0.8, 3);
    expect(data.validation.count / total(data)).toBeCloseTo(0.1, 3);
    expect([data.train.numClasses, data.train.classNames[1], data.train.height, data.train.width]).toEqual([27, 'A', 28, 28]);
    // Stratified: each class keeps its share in every split (within 2 images).
    const [train, validation] = [classCounts(data.train), classCounts(data.validation)];
    const all = [train, validation, classCounts(data.test)].reduce((a, b) => a.map((n, k) => n + b[k]));
    for (let k = 1; k <= 26; k++) {
      expect(Math.abs(train[k] - 0.8 * all[k])).toBeLessThanOrEqual(2);
      expect(Math.abs(validation[k] - 0.1 * all[k])).toBeLessThanOrEqual(2);
    }
    expect(data.source).toMatchObject({ name: 'byclass-letters', synthetic: false });
    expect(data.source.files).toEqual([
      join(shared, 'emnist-byclass', 'emnist-byclass-test-images-idx3-ubyte.gz'),
      join(shared, 'emnist-byclass', 'emnist-byclass-test-labels-idx1-ubyte.gz'),
    ]);
    expect(data.source.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('limit: at most N per split, every class still present', async () => {
    const data = await loadDataset('byclass-letters', { dataDir: shared, limit: 300 });
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([300, 300, 300]);
    for (const set of [data.train, data.validation, data.test]) expect(classCounts(set).slice(1).every((n) => n >= 1)).toBe(true);
  });
});

describe('the source hash', () => {
  test('names the data: same seed same hash, another seed or limit another hash; a flat folder gives the same', async () => {
    const file = (kind: string) => `emnist-letters-train-sample-${kind}-ubyte.gz`;
    const flat = linkedDir(Object.fromEntries(['images-idx3', 'labels-idx1'].map((kind) => [file(kind), join(shared, 'emnist-letters', file(kind))])));
    const hash = async (options: Parameters<typeof loadDataset>[1]) => (await loadDataset('letters-sample', options)).source.hash;
    const reference = await hash({ dataDir: shared, seed: 7 });
    expect(await hash({ dataDir: flat, seed: 7 })).toBe(reference);
    expect(await hash({ dataDir: shared, seed: 8 })).not.toBe(reference);
    expect(await hash({ dataDir: shared, seed: 7, limit: 100 })).not.toBe(reference);
  });
});

describe('other registered datasets on ../shared/data', () => {
  test('letters-sample: the official Letters train sample, split here', async () => {
    const data = await loadDataset('letters-sample', { dataDir: shared, fractions: { train: 0.5, validation: 0.25, test: 0.25 } });
    expect(total(data)).toBe(3536);
    expect(Math.abs(data.train.count - 1768)).toBeLessThanOrEqual(1);
  });

  test('emnist-digits and mnist fall back to the ByClass test digits when their files are absent', async () => {
    for (const name of ['emnist-digits', 'mnist']) {
      const data = await loadDataset(name, { dataDir: shared, limit: 50 });
      expect(data.train.classNames).toEqual([...'0123456789']);
      expect(data.source.description).toMatch(/ByClass test digits/);
    }
  });

  test('binaryalphadigits from the npz and from the mat: same splits, same hash', async () => {
    const [npz, mat, either] = await Promise.all(
      ['binaryalphadigits-npz', 'binaryalphadigits-mat', 'binaryalphadigits'].map((name) => loadDataset(name, { dataDir: shared })),
    );
    expect(total(npz)).toBe(1014);
    expect(mat.source.hash).toBe(npz.source.hash);
    expect(either.source.files).toEqual(npz.source.files);
    expect(mat.source.files[0]).toMatch(/binaryalphadigs\.mat$/);
  });

  test('emnist-letters: official test kept, validation held out from train (here a folder of official file names)', async () => {
    const sample = (kind: string) => join(shared, 'emnist-letters', `emnist-letters-train-sample-${kind}-ubyte.gz`);
    const dir = linkedDir({
      'emnist-letters/emnist-letters-train-images-idx3-ubyte.gz': sample('images-idx3'),
      'emnist-letters/emnist-letters-train-labels-idx1-ubyte.gz': sample('labels-idx1'),
      'emnist-letters/emnist-letters-test-images-idx3-ubyte.gz': sample('images-idx3'),
      'emnist-letters/emnist-letters-test-labels-idx1-ubyte.gz': sample('labels-idx1'),
    });
    const data = await loadDataset('emnist-letters', { dataDir: dir, validationFraction: 0.2 });
    expect(data.test.count).toBe(3536);
    expect(data.train.count + data.validation.count).toBe(3536);
    expect(Math.abs(data.validation.count - 0.2 * 3536)).toBeLessThanOrEqual(1);
    expect(data.source.description).toMatch(/official/);
  });
});

describe('fixtures', () => {
  test('the generated letters load as synthetic', async () => {
    const data = await loadDataset('fixtures', { fixturesDir: fixtures });
    expect(data.source.synthetic).toBe(true);
    expect(data.train.classNames).toEqual(['', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ']);
    expect(classCounts(data.test).slice(1).every((n) => n > 0)).toBe(true);
    const alpha = await loadDataset('fixtures-alphadigits', { fixturesDir: fixtures });
    expect([alpha.source.synthetic, alpha.train.height, alpha.train.width]).toEqual([true, 28, 28]);
  });
});

describe('finding the data', () => {
  const saved = process.env.LETTERS_DATA_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.LETTERS_DATA_DIR;
    else process.env.LETTERS_DATA_DIR = saved;
  });

  test('--data-dir > LETTERS_DATA_DIR > ./data', () => {
    delete process.env.LETTERS_DATA_DIR;
    expect(resolveDataDir()).toBe(resolve('data'));
    process.env.LETTERS_DATA_DIR = '/from/env';
    expect(resolveDataDir()).toBe('/from/env');
    expect(resolveDataDir('/from/flag')).toBe('/from/flag');
    process.env.LETTERS_DATA_DIR = '';
    expect(resolveDataDir()).toBe(resolve('data'));
  });

  test('LETTERS_DATA_DIR is used by loadDataset', async () => {
    process.env.LETTERS_DATA_DIR = shared;
    expect((await loadDataset('binaryalphadigits')).source.files[0]).toContain(shared);
  });

  test('a missing dataset names what was looked for, where, and what to do', async () => {
    const empty = tempDir('empty');
    const error = await loadDataset('emnist-letters', { dataDir: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LettersError);
    const message = (error as LettersError).message;
    expect(message).toContain('emnist-letters-train-images-idx3-ubyte.gz');
    expect(message).toContain('gzip.zip');
    expect(message).toContain(join(empty, 'emnist-letters'));
    expect(message).toContain('letters data fetch');
    expect(message).toContain('--data-dir');
    expect(readdirSync(empty)).toEqual([]);
    await expect(loadDataset('binaryalphadigits', { dataDir: empty })).rejects.toThrow(/binaryalphadigits\.npz or binaryalphadigs\.mat in .*--data-dir/);
  });

  test('an unknown name lists the known ones; bad options are named', async () => {
    await expect(loadDataset('emnist-letterz')).rejects.toThrow(`--dataset emnist-letterz: unknown dataset; use one of ${DATASET_NAMES.join(', ')}`);
    await expect(loadDataset('byclass-letters', { dataDir: shared, limit: 0 })).rejects.toThrow(/--limit 0/);
    await expect(loadDataset('byclass-letters', { dataDir: shared, validationFraction: 1 })).rejects.toThrow(/validation fraction 1/);
  });
});
