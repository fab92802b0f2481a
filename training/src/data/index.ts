// Public API of the data layer: formats, sources, the dataset registry, fetch and the `data` commands.
export type { ImageSet, DatasetSplits, DatasetSource } from './types.ts';
export { decodeIdx, encodeIdx, decodeIdxImages, decodeIdxLabels, encodeIdxImages, encodeIdxLabels, transposeImages } from './formats/idx.ts';
export type { IdxArray, RawImages, IdxImageOptions } from './formats/idx.ts';
export { gunzipIfNeeded, isGzip } from './formats/gzip.ts';
export { openZip, withZip, type ZipArchive, type ZipEntry } from './formats/zip.ts';
export { decodeNpy, encodeNpy, type NpyArray, type NpyData, type NpyDtype } from './formats/npy.ts';
export { decodeNpz, encodeNpz } from './formats/npz.ts';
export { decodeMat, type MatValue } from './formats/mat.ts';
export { DATA_LIMITS, readDataFile } from './limits.ts';
export {
  EMNIST_CLASS_NAMES,
  EMNIST_ZIP_NAME,
  LETTER_CLASS_NAMES,
  byClassDigits,
  caseMergeLetters,
  decodeIdxPair,
  emnistFileName,
  emnistZipMember,
  readEmnist,
  readIdxPairFiles,
  readMnist,
  type EmnistSplit,
  type EmnistVariant,
  type IdxPairBytes,
  type LoadedSet,
} from './sources/emnist.ts';
export {
  BINARY_ALPHADIGITS_MAT,
  BINARY_ALPHADIGITS_NPZ,
  decodeBinaryAlphaDigitsMat,
  decodeBinaryAlphaDigitsNpz,
  readBinaryAlphaDigits,
  toEmnistSize,
  type BinaryAlphaDigitsFormat,
} from './sources/binary-alphadigits.ts';
export { readFixtureAlphaDigits, readFixtures } from './sources/fixtures.ts';
export { DATA_DIR_ENV, resolveDataDir } from './data-dir.ts';
export {
  DATASET_NAMES,
  DATASET_DEFAULTS,
  DEFAULT_FIXTURES_DIR,
  hashSplits,
  listDatasets,
  loadDataset,
  type LoadDatasetOptions,
} from './registry.ts';
export { EMNIST_GZIP_URL, LETTERS_DIR, LETTERS_FILES, fetchEmnist, type FetchOptions, type FetchResult } from './fetch.ts';

// Seeded randomness, splits, leakage check, resize-with-pad, inspection and the generated fixtures.
export { createRandom, mulberry32, type Random } from './random.ts';
export { namedSets, stratifiedKFold, stratifiedSample, stratifiedSplit, subsetImageSet, type Fold, type SplitFractions, type SplitIndices } from './split.ts';
export { findLeakage, type CrossSplitDuplicates, type LeakageReport, type WithinSplitDuplicates } from './leakage.ts';
export {
  padGeometry,
  resizeImageFileWithPad,
  resizeImageSetWithPad,
  resizeWithPad,
  type PadGeometry,
  type RawGreyImage,
} from './resize.ts';
export { classCountTable, inspectDataset, type ClassCount, type InspectOptions, type InspectResult } from './inspect.ts';
export { FIXTURE_FILES } from './fixtures/layout.ts';
export { buildFixtures, generateFixtures, type FixtureImage } from './fixtures/generate.ts';
