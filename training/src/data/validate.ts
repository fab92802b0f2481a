/**
 * The checks every dataset passes when it is loaded, so that bad data is refused with one line naming
 * its files, not met later as NaN metrics or a tensor error: no empty split, images of the contract's size.
 */
import { IMAGE_SIZE } from '@letters/contract';
import { LettersError } from '../common/index.ts';
import type { ImageSet } from './types.ts';

export interface SplitSets {
  readonly train: ImageSet;
  readonly validation: ImageSet;
  readonly test: ImageSet;
}

/**
 * Refuses splits that are empty (validation only when `validation` says one was asked for) or whose
 * images are not IMAGE_SIZE x IMAGE_SIZE; `files` are the files the data came from.
 */
export function checkSplits(splits: SplitSets, files: readonly string[], options: { validation: boolean }): void {
  const from = files.join(', ') || 'the dataset';
  const { height, width } = splits.train;
  if (height !== IMAGE_SIZE || width !== IMAGE_SIZE) {
    throw new LettersError(`${from}: images are ${height}x${width} pixels; letters models take ${IMAGE_SIZE}x${IMAGE_SIZE} images`);
  }
  const total = splits.train.count + splits.validation.count + splits.test.count;
  for (const name of ['train', 'validation', 'test'] as const) {
    if (splits[name].count > 0 || (name === 'validation' && !options.validation)) continue;
    throw new LettersError(
      `${from}: the ${name} split is empty (${total} image${total === 1 ? '' : 's'} in all); the data is too small or the files are truncated`,
    );
  }
}
