/**
 * Option conventions of the commands that read datasets or train, written once. This module loads the
 * training package (tfjs), so only those commands import it; the light options are in options.ts.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { seedOf, threadCount } from './options.ts';
import { backendChoices, DATA_DIR_ENV, DATASET_DEFAULTS, DEFAULT_GRID_FILE, defaultTrainingThreads, listDatasets, type BackendChoice } from '@letters/training';

/** `--data-dir`, as every command that reads data declares it. */
export const dataDirOption = { type: 'string', describe: `Data directory (default: $${DATA_DIR_ENV}, else ./data)` } as const;

/** `--backend` and `--threads` of the commands that train. */
export const backendOptions = {
  backend: {
    choices: backendChoices,
    default: 'auto' as BackendChoice,
    describe: 'Training backend: auto = tfjs-node if its native binding loads, else wasm',
  },
  threads: {
    type: 'number',
    default: defaultTrainingThreads,
    coerce: (value: number) => threadCount(value)!,
    describe: `Threads for the wasm training step: data-parallel workers for convnets; dense networks use 1 (this machine has ${availableParallelism()} cores)`,
  },
} as const;

/**
 * `--dataset`, a registered dataset's name (each command says what its default is). The loader checks
 * the name, with a message listing the names; `--help` lists them with `datasetList`.
 */
export const datasetOption = (describe: string) => ({ type: 'string', describe: `${describe} (names below)` }) as const;

/** `--grid`: a tuning grid file; the default, the shipped grid, is shown by its place in the package, not the absolute path. */
export const gridOption = (describe: string) =>
  ({ type: 'string', default: DEFAULT_GRID_FILE, defaultDescription: `the shipped ${join('experiments', 'grid.json')}`, describe }) as const;

/** The registered datasets, for the `--help` of every command with `--dataset`. */
export const datasetList = (): string => `Datasets:\n${listDatasets().map((d) => `  ${d.name}: ${d.description}`).join('\n')}`;

/** `--seed`, an integer, as every command with a seed declares it. */
export const seedOption = (fallback: number, describe: string) => ({ type: 'number', default: fallback, coerce: seedOf, describe }) as const;

/** The data options of the commands that train: dataset, data directory, seed, subsample. */
export const dataOptions = {
  dataset: datasetOption('Dataset (default: emnist-letters when present, else byclass-letters)'),
  'data-dir': dataDirOption,
  seed: seedOption(DATASET_DEFAULTS.seed, 'Seed of the split, initial weights, shuffle and augmentation'),
  limit: { type: 'number', describe: 'At most this many images per split (a seeded stratified subsample), for quick runs' },
} as const;
