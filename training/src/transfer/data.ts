import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { inFile, LettersError } from '../common/index.ts';
import {
  decodeBinaryAlphaDigitsMat,
  decodeBinaryAlphaDigitsNpz,
  readBinaryAlphaDigits,
  toEmnistSize,
} from '../data/sources/binary-alphadigits.ts';
import { readDataFile } from '../data/limits.ts';
import { DATASET_DEFAULTS, hashSplits } from '../data/registry.ts';
import { stratifiedSplit, subsetImageSet } from '../data/split.ts';
import type { DatasetSource, DatasetSplits, ImageSet } from '../data/types.ts';
import { checkSplits } from '../data/validate.ts';

export interface TransferData {
  /** All images: 28x28, ink 255 on 0, labels 1-26 (class 0 unused), the input the EMNIST model expects. */
  readonly set: ImageSet;
  /**
   * The same images split as `loadDataset('binaryalphadigits')` splits them (default seed and
   * fractions), so the final model can hold out the test split that `letters evaluate --dataset
   * binaryalphadigits` scores; `source.hash` is that dataset's hash.
   */
  readonly splits: DatasetSplits;
}

/**
 * Reads Binary AlphaDigits for transfer: `path` is `binaryalphadigits.npz`, `binaryalphadigs.mat`,
 * or a data directory holding either. The images are resized with padding to 28x28.
 *
 * Polarity: Binary AlphaDigits stores ink as 1 on a 0 background; the decoder scales it to 255 on
 * 0, which is EMNIST's white ink on black once its IDX bytes are read. No inversion is needed.
 */
export async function loadTransferData(path: string): Promise<TransferData> {
  const info = await stat(path).catch((error: unknown) => {
    throw new LettersError(`--data-dir ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}; give binaryalphadigits.npz, binaryalphadigs.mat or a folder holding one`);
  });
  let set: ImageSet;
  let files: readonly string[];
  if (info.isDirectory()) {
    ({ set, files } = await readBinaryAlphaDigits(path));
  } else {
    const decode = path.endsWith('.npz') ? decodeBinaryAlphaDigitsNpz : path.endsWith('.mat') ? decodeBinaryAlphaDigitsMat : undefined;
    if (!decode) throw new LettersError(`--data-dir ${path}: unknown format; give the Binary AlphaDigits .npz or .mat file`);
    const bytes = await readDataFile(path);
    try {
      set = toEmnistSize(await decode(bytes, path));
    } catch (error) {
      throw error instanceof LettersError ? error : inFile(path, error);
    }
    files = [path];
  }
  const indices = stratifiedSplit(set.labels, DATASET_DEFAULTS.fractions, DATASET_DEFAULTS.seed);
  const sets = { train: subsetImageSet(set, indices.train), validation: subsetImageSet(set, indices.validation), test: subsetImageSet(set, indices.test) };
  checkSplits(sets, files, { validation: DATASET_DEFAULTS.fractions.validation > 0 });
  const source: DatasetSource = {
    name: 'binaryalphadigits',
    description: `Binary AlphaDigits letters (${files.map((f) => basename(f)).join(', ')}), resized with padding to 28x28`,
    files,
    hash: hashSplits(sets),
    synthetic: false,
  };
  return { set, splits: { ...sets, source } };
}
