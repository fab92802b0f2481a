import { join } from 'node:path';
import {
  DATASET_DEFAULTS,
  DataNotFoundError,
  DEFAULT_FIXTURES_DIR,
  FIXTURE_FILES,
  fetchEmnist,
  loadDataset,
  resolveDataDir,
  type DatasetSplits,
} from '@letters/training';

/** The data one run of the study uses, and whether it is the real thing. */
export interface StudyData {
  readonly letters: DatasetSplits;
  /** Digits for the dense baseline (MNIST, else EMNIST digits); absent on the synthetic fixtures. */
  readonly digits?: DatasetSplits;
  /** Binary AlphaDigits file or folder for transfer learning. */
  readonly transferData: string;
  /** The same images as registered dataset splits: their test split scores the transfer model. */
  readonly transfer: DatasetSplits;
  /** True when no EMNIST data could be found or downloaded and the generated letters stand in. */
  readonly synthetic: boolean;
  /** How the data was chosen, one line each, for the console and the report. */
  readonly notes: readonly string[];
}

export const SYNTHETIC_WARNING =
  'SYNTHETIC DATA: no EMNIST data was found or could be downloaded, so this run uses the generated fixture letters. ' +
  'Its numbers are not comparable to EMNIST results.';

export interface StudyDataOptions {
  readonly dataDir?: string;
  readonly seed: number;
  /** At most this many images per split (quick runs). */
  readonly limit?: number;
  /** Try the official download when no EMNIST data is in the data directory. */
  readonly download: boolean;
  /** Use the generated letters without looking for EMNIST data (`--synthetic`). */
  readonly synthetic?: boolean;
  readonly quiet: boolean;
}

/** Loads a dataset, or undefined when its files are absent (any other problem still fails loudly). */
async function tryLoad(name: string, options: { dataDir?: string; seed: number; limit?: number }): Promise<DatasetSplits | undefined> {
  try {
    return await loadDataset(name, options);
  } catch (error) {
    if (error instanceof DataNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Transfer data is split as `runTransfer` splits it (default seed, all images), so the test split
 * that scores the final transfer model is the one it never trained on.
 */
const TRANSFER_SPLIT = { seed: DATASET_DEFAULTS.seed, limit: undefined };

async function fixtureTransfer(): Promise<{ transferData: string; transfer: DatasetSplits }> {
  return {
    transferData: join(DEFAULT_FIXTURES_DIR, FIXTURE_FILES.alphaDigits),
    transfer: await loadDataset('fixtures-alphadigits', TRANSFER_SPLIT),
  };
}

/**
 * Chooses the study's data: official EMNIST Letters, else the case-merged ByClass letters, else
 * the official download; when none of these can be had (or `synthetic` asks for it), the generated
 * fixture letters, said loudly.
 */
export async function loadStudyData(options: StudyDataOptions): Promise<StudyData> {
  const notes: string[] = [];
  let letters = options.synthetic ? undefined : ((await tryLoad('emnist-letters', options)) ?? (await tryLoad('byclass-letters', options)));
  if (!letters && options.download && !options.synthetic) {
    try {
      await fetchEmnist({ dataDir: options.dataDir, quiet: options.quiet });
      letters = await tryLoad('emnist-letters', options);
    } catch (error) {
      notes.push(`download failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const dataDir = resolveDataDir(options.dataDir);
  if (letters) {
    notes.push(`letters: ${letters.source.description} (${dataDir})`);
    const digits = await tryLoad('mnist', options);
    notes.push(digits ? `digits: ${digits.source.description}` : 'digits: none found, the dense-on-digits baseline is skipped');
    const transfer = await tryLoad('binaryalphadigits', { ...options, ...TRANSFER_SPLIT });
    if (transfer) notes.push(`transfer: ${transfer.source.description}`);
    else notes.push('transfer: no Binary AlphaDigits file in the data directory, using the generated ones (synthetic)');
    return {
      letters,
      ...(digits ? { digits } : {}),
      ...(transfer ? { transferData: dataDir, transfer } : await fixtureTransfer()),
      synthetic: false,
      notes,
    };
  }
  notes.push(SYNTHETIC_WARNING);
  return {
    letters: await loadDataset('fixtures', { seed: options.seed, limit: options.limit }),
    ...(await fixtureTransfer()),
    synthetic: true,
    notes,
  };
}
