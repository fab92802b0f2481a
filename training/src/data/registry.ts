/**
 * The datasets the toolkit knows by name. `loadDataset(name)` finds the files in the data directory,
 * decodes them (upright uint8, ink 255 on 0), and makes seeded, stratified splits.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LettersError } from '../common/index.ts';
import { resolveDataDir } from './data-dir.ts';
import { readBinaryAlphaDigits } from './sources/binary-alphadigits.ts';
import {
  byClassDigits,
  caseMergeLetters,
  hasEmnist,
  hasMnist,
  readEmnist,
  readMnist,
  type EmnistVariant,
  type LoadedSet,
} from './sources/emnist.ts';
import { readFixtureAlphaDigits, readFixtures } from './sources/fixtures.ts';
import { stratifiedSample, stratifiedSplit, subsetImageSet, type SplitFractions } from './split.ts';
import type { DatasetSource, DatasetSplits, ImageSet } from './types.ts';
import { checkSplits } from './validate.ts';

export interface LoadDatasetOptions {
  /** Where the data files are; default `LETTERS_DATA_DIR`, else `./data`. */
  readonly dataDir?: string;
  /** Where the generated fixtures are (dataset `fixtures`); default the repository's `fixtures/`. */
  readonly fixturesDir?: string;
  /** Seed of every split and subsample (default 42). */
  readonly seed?: number;
  /** Shares of train/validation/test for datasets without an official test split (default 0.8/0.1/0.1). */
  readonly fractions?: SplitFractions;
  /** Share of the official train split held out for validation, for datasets that have an official test split (default 0.1). */
  readonly validationFraction?: number;
  /** At most this many images per split, a seeded stratified subsample: for quick runs. */
  readonly limit?: number;
}

/** Defaults of LoadDatasetOptions. */
export const DATASET_DEFAULTS = {
  seed: 42,
  fractions: { train: 0.8, validation: 0.1, test: 0.1 } as SplitFractions,
  validationFraction: 0.1,
} as const;

/** What a dataset's loader returns: one pool that is split here, or the official train/test splits. */
type Loaded =
  | { readonly kind: 'pool'; readonly set: ImageSet; readonly files: readonly string[]; readonly description: string }
  | {
      readonly kind: 'official';
      readonly train: ImageSet;
      readonly test: ImageSet;
      readonly files: readonly string[];
      readonly description: string;
    };

interface DatasetEntry {
  readonly description: string;
  readonly synthetic?: boolean;
  load(dirs: { dataDir: string; fixturesDir: string }): Promise<Loaded>;
}

const pool = (loaded: LoadedSet, description: string): Loaded => ({ kind: 'pool', ...loaded, description });

async function official(
  description: string,
  read: (split: 'train' | 'test') => Promise<LoadedSet>,
): Promise<Loaded> {
  const [train, test] = [await read('train'), await read('test')];
  return { kind: 'official', train: train.set, test: test.set, files: [...train.files, ...test.files], description };
}

const officialEmnist = (variant: EmnistVariant, description: string) => (dirs: { dataDir: string }) =>
  official(description, (split) => readEmnist(dirs.dataDir, variant, split));

async function byClassTest(dataDir: string, select: (set: ImageSet) => ImageSet, description: string): Promise<Loaded> {
  const byclass = await readEmnist(dataDir, 'byclass', 'test');
  return pool({ set: select(byclass.set), files: byclass.files }, description);
}

const BYCLASS_DIGITS = 'EMNIST ByClass test digits (no MNIST/EMNIST Digits files found), split here';

const DATASETS: Readonly<Record<string, DatasetEntry>> = {
  'emnist-letters': {
    description: 'EMNIST Letters: official train (validation held out from it) and test, 26 case-merged letters',
    load: officialEmnist('letters', 'EMNIST Letters, official train/test'),
  },
  'byclass-letters': {
    description: 'EMNIST ByClass test letters case-merged to Letters labels, split here (stand-in for full Letters)',
    load: ({ dataDir }) => byClassTest(dataDir, caseMergeLetters, 'EMNIST ByClass test letters, case-merged, split here'),
  },
  'letters-sample': {
    description: 'The official EMNIST Letters train sample (3,536 images of ../shared/data), split here',
    load: async ({ dataDir }) => pool(await readEmnist(dataDir, 'letters', 'train-sample'), 'EMNIST Letters train sample, split here'),
  },
  'emnist-digits': {
    description: 'EMNIST Digits official train/test when present, else EMNIST ByClass test digits split here',
    load: ({ dataDir }) =>
      hasEmnist(dataDir, 'digits', 'train')
        ? officialEmnist('digits', 'EMNIST Digits, official train/test')({ dataDir })
        : byClassTest(dataDir, byClassDigits, BYCLASS_DIGITS),
  },
  mnist: {
    description: 'MNIST (EMNIST MNIST or the classic files) when present, else EMNIST ByClass test digits split here',
    load: ({ dataDir }) => {
      if (hasEmnist(dataDir, 'mnist', 'train')) return officialEmnist('mnist', 'EMNIST MNIST, official train/test')({ dataDir });
      if (hasMnist(dataDir, 'train')) return official('MNIST, official train/test', (split) => readMnist(dataDir, split));
      return byClassTest(dataDir, byClassDigits, BYCLASS_DIGITS);
    },
  },
  'emnist-balanced': {
    description: 'EMNIST Balanced: official train/test, 47 classes',
    load: officialEmnist('balanced', 'EMNIST Balanced, official train/test'),
  },
  'emnist-byclass': {
    description: 'EMNIST ByClass: official train/test, 62 classes (digits, upper and lower case)',
    load: officialEmnist('byclass', 'EMNIST ByClass, official train/test'),
  },
  binaryalphadigits: {
    description: 'Binary AlphaDigits letters (npz, else mat) resized with padding to 28x28, split here',
    load: async ({ dataDir }) => pool(await readBinaryAlphaDigits(dataDir), 'Binary AlphaDigits letters at 28x28, split here'),
  },
  'binaryalphadigits-npz': {
    description: 'Binary AlphaDigits from binaryalphadigits.npz only',
    load: async ({ dataDir }) => pool(await readBinaryAlphaDigits(dataDir, 'npz'), 'Binary AlphaDigits letters (npz) at 28x28, split here'),
  },
  'binaryalphadigits-mat': {
    description: 'Binary AlphaDigits from binaryalphadigs.mat only',
    load: async ({ dataDir }) => pool(await readBinaryAlphaDigits(dataDir, 'mat'), 'Binary AlphaDigits letters (mat) at 28x28, split here'),
  },
  fixtures: {
    description: "The project's generated stroke letters (fixtures/): synthetic, for tests",
    synthetic: true,
    load: async ({ fixturesDir }) => ({ kind: 'official', ...(await readFixtures(fixturesDir)) }),
  },
  'fixtures-alphadigits': {
    description: "The project's generated Binary AlphaDigits-style letters (fixtures/), resized to 28x28: synthetic, for tests",
    synthetic: true,
    load: async ({ fixturesDir }) => pool(await readFixtureAlphaDigits(fixturesDir), 'Generated Binary AlphaDigits-style letters (synthetic), split here'),
  },
};

/** The registered dataset names with a description each. */
export function listDatasets(): { name: string; description: string }[] {
  return Object.entries(DATASETS).map(([name, entry]) => ({ name, description: entry.description }));
}

export const DATASET_NAMES: readonly string[] = Object.keys(DATASETS);

/**
 * The generated fixtures: the repository's folder in a checkout, else the copy an installed package
 * carries (`fixtures/` beside its `dist/`, made when it is packed).
 */
const fixturesDirs = ['../../../fixtures/', '../../fixtures/'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
export const DEFAULT_FIXTURES_DIR = fixturesDirs.find((dir) => existsSync(dir)) ?? fixturesDirs[0]!;

/** Loads a registered dataset as seeded, stratified train/validation/test splits. */
export async function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<DatasetSplits> {
  const entry = DATASETS[name];
  if (!entry) throw new LettersError(`--dataset ${name}: unknown dataset; use one of ${DATASET_NAMES.join(', ')}`);
  const seed = options.seed ?? DATASET_DEFAULTS.seed;
  const validationFraction = options.validationFraction ?? DATASET_DEFAULTS.validationFraction;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new LettersError(`validation fraction ${validationFraction}: use a number in [0, 1)`);
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0)) {
    throw new LettersError(`--limit ${options.limit}: use a positive integer`);
  }
  const loaded = await entry.load({
    dataDir: resolveDataDir(options.dataDir),
    fixturesDir: options.fixturesDir ?? DEFAULT_FIXTURES_DIR,
  });
  let splits: { train: ImageSet; validation: ImageSet; test: ImageSet };
  if (loaded.kind === 'pool') {
    const indices = stratifiedSplit(loaded.set.labels, options.fractions ?? DATASET_DEFAULTS.fractions, seed);
    splits = {
      train: subsetImageSet(loaded.set, indices.train),
      validation: subsetImageSet(loaded.set, indices.validation),
      test: subsetImageSet(loaded.set, indices.test),
    };
  } else {
    const indices = stratifiedSplit(loaded.train.labels, { train: 1 - validationFraction, validation: validationFraction, test: 0 }, seed);
    splits = { train: subsetImageSet(loaded.train, indices.train), validation: subsetImageSet(loaded.train, indices.validation), test: loaded.test };
  }
  if (options.limit !== undefined) {
    const limit = options.limit;
    splits = { train: stratifiedSample(splits.train, limit, seed), validation: stratifiedSample(splits.validation, limit, seed), test: stratifiedSample(splits.test, limit, seed) };
  }
  checkSplits(splits, loaded.files, { validation: loaded.kind === 'pool' ? (options.fractions ?? DATASET_DEFAULTS.fractions).validation > 0 : validationFraction > 0 });
  const source: DatasetSource = {
    name,
    description: loaded.description,
    files: loaded.files,
    hash: hashSplits(splits),
    synthetic: entry.synthetic ?? false,
  };
  return { ...splits, source };
}


/**
 * sha256 over the splits exactly as loaded (shape, class names, pixels and labels, train then
 * validation then test), so the same files, seed, fractions and limit give the same hash, and a
 * model's dataset.json names the data it saw.
 */
export function hashSplits(splits: { train: ImageSet; validation: ImageSet; test: ImageSet }): string {
  const hash = createHash('sha256');
  for (const [name, set] of [['train', splits.train], ['validation', splits.validation], ['test', splits.test]] as const) {
    hash.update(JSON.stringify({ name, count: set.count, height: set.height, width: set.width, classNames: set.classNames }));
    hash.update(set.images);
    hash.update(set.labels);
  }
  return hash.digest('hex');
}
