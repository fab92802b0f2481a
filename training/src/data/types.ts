/**
 * A set of same-sized grayscale images with integer labels, kept as uint8 so that the full
 * EMNIST Letters train set (124,800 images) costs 98 MB, not 391 MB as float32.
 * Images are upright, row-major, ink high (255) on a 0 background, as EMNIST once transposed.
 */
export interface ImageSet {
  /** `count * height * width` pixels. */
  readonly images: Uint8Array;
  /** `count` labels in [0, numClasses). */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** Model outputs: 27 for Letters (class 0 unused), 10 for digits. */
  readonly numClasses: number;
  /** Display name of each class index; Letters: ['', 'A', ..., 'Z'] (upper and lower case merged). */
  readonly classNames: readonly string[];
}

/** A dataset as training sees it: seeded, stratified splits plus where it came from. */
export interface DatasetSplits {
  readonly train: ImageSet;
  readonly validation: ImageSet;
  readonly test: ImageSet;
  readonly source: DatasetSource;
}

export interface DatasetSource {
  /** Registry name, e.g. 'emnist-letters', 'byclass-letters', 'binaryalphadigits', 'fixtures'. */
  readonly name: string;
  /** Human description, e.g. 'EMNIST ByClass test letters, case-merged'. */
  readonly description: string;
  /** The files read. */
  readonly files: readonly string[];
  /** sha256 of the image and label bytes as loaded, so caches and exports can name the data exactly. */
  readonly hash: string;
  /** True for the project's generated letters: numbers from them are not comparable to EMNIST's. */
  readonly synthetic: boolean;
}
