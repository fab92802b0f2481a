/**
 * EMNIST (Cohen et al., 2017, https://www.nist.gov/itl/products-and-services/emnist-dataset) and
 * MNIST in their official IDX files, read from a folder of `.gz` (or gunzipped) files or straight
 * from the official `gzip.zip`. Images come out upright, ink 255 on 0.
 */
import { LETTER_CLASS_NAMES } from '@letters/contract';
import { DataNotFoundError, LettersError } from '../../common/index.ts';
import { findFile, orList, searchDirs } from '../data-dir.ts';
import { decodeIdxImages, decodeIdxLabels } from '../formats/idx.ts';
import { withZip } from '../formats/zip.ts';
import { readDataFile } from '../limits.ts';
import { subsetImageSet } from '../split.ts';
import type { ImageSet } from '../types.ts';

export type EmnistVariant = 'letters' | 'byclass' | 'bymerge' | 'balanced' | 'digits' | 'mnist';
/** Official splits, plus the Letters train sample of ../shared/data. */
export type EmnistSplit = 'train' | 'test' | 'train-sample';

const DIGITS = [...'0123456789'];
const UPPER = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const LOWER = [...'abcdefghijklmnopqrstuvwxyz'];
const MERGED = [...DIGITS, ...UPPER, ...'abdefghnqrt'];

/** Letters classes: index 0 unused, 1-26 = A-Z with upper and lower case merged (the ONNX contract's). */
export { LETTER_CLASS_NAMES };

/** Class names per variant, as in the official `emnist-*-mapping.txt` files. */
export const EMNIST_CLASS_NAMES: Readonly<Record<EmnistVariant, readonly string[]>> = {
  letters: LETTER_CLASS_NAMES,
  byclass: [...DIGITS, ...UPPER, ...LOWER],
  bymerge: MERGED,
  balanced: MERGED,
  digits: DIGITS,
  mnist: DIGITS,
};

/** The official archive holding every EMNIST variant. */
export const EMNIST_ZIP_NAME = 'gzip.zip';

/** Official file name, e.g. `emnist-letters-train-images-idx3-ubyte.gz`. */
export function emnistFileName(variant: EmnistVariant, split: EmnistSplit, kind: 'images' | 'labels'): string {
  return `emnist-${variant}-${split}-${kind === 'images' ? 'images-idx3' : 'labels-idx1'}-ubyte.gz`;
}

/** The member of `gzip.zip` holding a file. */
export function emnistZipMember(variant: EmnistVariant, split: EmnistSplit, kind: 'images' | 'labels'): string {
  return `gzip/${emnistFileName(variant, split, kind)}`;
}

/** An ImageSet and the files it was read from. */
export interface LoadedSet {
  readonly set: ImageSet;
  readonly files: readonly string[];
}

export interface IdxPairBytes {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  /** Names of the two files, for messages. */
  readonly imagesName: string;
  readonly labelsName: string;
}

/**
 * Decodes an images/labels pair into an ImageSet, checking that the counts agree and that every
 * label is a class of `classNames` (Letters: 1-26, class 0 is unused).
 */
export function decodeIdxPair(pair: IdxPairBytes, classNames: readonly string[], options: { transposed?: boolean } = {}): ImageSet {
  const raw = decodeIdxImages(pair.images, pair.imagesName, options);
  const labels = decodeIdxLabels(pair.labels, pair.labelsName);
  if (labels.length !== raw.count) {
    throw new LettersError(
      `${pair.labelsName}: ${labels.length} labels for ${raw.count} images in ${pair.imagesName}; the two files must come from the same split`,
    );
  }
  const first = classNames[0] === '' ? 1 : 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < first || labels[i] >= classNames.length) {
      throw new LettersError(
        `${pair.labelsName}: label ${labels[i]} at index ${i} is outside ${first}-${classNames.length - 1}; is this the right dataset's labels file?`,
      );
    }
  }
  return { ...raw, labels, numClasses: classNames.length, classNames };
}

/** Reads an images/labels pair of IDX files (gzip or raw) into an ImageSet; see decodeIdxPair. */
export async function readIdxPairFiles(
  imagesPath: string,
  labelsPath: string,
  classNames: readonly string[],
  options: { transposed?: boolean } = {},
): Promise<LoadedSet> {
  const [images, labels] = await Promise.all([readDataFile(imagesPath), readDataFile(labelsPath)]);
  const set = decodeIdxPair({ images, labels, imagesName: imagesPath, labelsName: labelsPath }, classNames, options);
  return { set, files: [imagesPath, labelsPath] };
}

interface PairLocation {
  /** What is looked for, for messages, e.g. "EMNIST letters train". */
  readonly what: string;
  readonly imageNames: readonly string[];
  readonly labelNames: readonly string[];
  readonly dirs: readonly string[];
  /** Members of gzip.zip holding the pair, when the official archive has them. */
  readonly zipMembers?: { readonly images: string; readonly labels: string };
}

/** Reads an images/labels pair from the first folder holding the images, else from gzip.zip. */
async function readPair(location: PairLocation, classNames: readonly string[], transposed: boolean): Promise<LoadedSet> {
  const imagesPath = findFile(location.dirs, location.imageNames);
  if (imagesPath !== undefined) {
    const labelsPath = findFile(location.dirs, location.labelNames);
    if (labelsPath === undefined) {
      throw new LettersError(`${imagesPath}: found the images but not their labels (${orList(location.labelNames)}) in ${orList(location.dirs)}`);
    }
    return readIdxPairFiles(imagesPath, labelsPath, classNames, { transposed });
  }
  const zipPath = location.zipMembers && findFile(location.dirs, [EMNIST_ZIP_NAME]);
  if (zipPath !== undefined && location.zipMembers) {
    const members = location.zipMembers;
    const set = await withZip(zipPath, async (zip) => {
      for (const member of [members.images, members.labels]) {
        if (!zip.entries.has(member)) throw new LettersError(`${zipPath}: the archive has no member ${member}; is it the official EMNIST gzip.zip?`);
      }
      const [images, labels] = [await zip.read(members.images), await zip.read(members.labels)];
      const names = { imagesName: `${zipPath}:${members.images}`, labelsName: `${zipPath}:${members.labels}` };
      return decodeIdxPair({ images, labels, ...names }, classNames, { transposed });
    });
    return { set, files: [`${zipPath}:${members.images}`, `${zipPath}:${members.labels}`] };
  }
  const alsoZip = location.zipMembers ? ` or ${EMNIST_ZIP_NAME}` : '';
  throw new DataNotFoundError(
    `${location.what} not found: looked for ${location.imageNames[0]}${alsoZip} in ${orList(location.dirs)}; ` +
      'run `letters data fetch` to get it, or point --data-dir (or LETTERS_DATA_DIR) at the folder holding it',
  );
}

/** Whether an EMNIST split's files (or gzip.zip) are in the data directory. */
export function hasEmnist(dataDir: string, variant: EmnistVariant, split: EmnistSplit): boolean {
  const dirs = emnistDirs(dataDir, variant);
  const name = emnistFileName(variant, split, 'images');
  return findFile(dirs, [name, name.slice(0, -3), EMNIST_ZIP_NAME]) !== undefined;
}

function emnistDirs(dataDir: string, variant: EmnistVariant): string[] {
  return searchDirs(dataDir, [`emnist-${variant}`, 'emnist', 'gzip']);
}

/** Reads one split of an EMNIST variant from the data directory (`.gz` or raw files, or gzip.zip). */
export function readEmnist(dataDir: string, variant: EmnistVariant, split: EmnistSplit): Promise<LoadedSet> {
  const images = emnistFileName(variant, split, 'images');
  const labels = emnistFileName(variant, split, 'labels');
  return readPair(
    {
      what: `EMNIST ${variant} ${split}`,
      imageNames: [images, images.slice(0, -3)],
      labelNames: [labels, labels.slice(0, -3)],
      dirs: emnistDirs(dataDir, variant),
      zipMembers:
        split === 'train-sample'
          ? undefined
          : { images: emnistZipMember(variant, split, 'images'), labels: emnistZipMember(variant, split, 'labels') },
    },
    EMNIST_CLASS_NAMES[variant],
    true,
  );
}

/** Whether the classic MNIST files (LeCun et al.) of a split are in the data directory. */
export function hasMnist(dataDir: string, split: 'train' | 'test'): boolean {
  const name = `${split === 'train' ? 'train' : 't10k'}-images-idx3-ubyte`;
  return findFile(searchDirs(dataDir, ['mnist']), [`${name}.gz`, name]) !== undefined;
}

/** Reads a split of classic MNIST (`train-images-idx3-ubyte.gz`, `t10k-...`), which is stored upright. */
export function readMnist(dataDir: string, split: 'train' | 'test'): Promise<LoadedSet> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const names = (kind: string) => [`${prefix}-${kind}-ubyte.gz`, `${prefix}-${kind}-ubyte`];
  return readPair(
    { what: `MNIST ${split}`, imageNames: names('images-idx3'), labelNames: names('labels-idx1'), dirs: searchDirs(dataDir, ['mnist']) },
    DIGITS,
    false,
  );
}

/** ByClass letters as Letters: classes 10-35 (A-Z) and 36-61 (a-z) become 1-26; digits are dropped. */
export function caseMergeLetters(byclass: ImageSet): ImageSet {
  const letters = indicesWhere(byclass.labels, (label) => label >= 10);
  const set = subsetImageSet(byclass, letters);
  const labels = set.labels.map((label) => ((label - 10) % 26) + 1);
  return { ...set, labels, numClasses: LETTER_CLASS_NAMES.length, classNames: LETTER_CLASS_NAMES };
}

/** The digits (classes 0-9) of a ByClass set, as a 10-class set. */
export function byClassDigits(byclass: ImageSet): ImageSet {
  const set = subsetImageSet(byclass, indicesWhere(byclass.labels, (label) => label < 10));
  return { ...set, numClasses: DIGITS.length, classNames: DIGITS };
}

function indicesWhere(labels: Uint8Array, keep: (label: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (keep(labels[i])) out.push(i);
  return Uint32Array.from(out);
}
