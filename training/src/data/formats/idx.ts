/**
 * The IDX format of MNIST and EMNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
 * (0, 0, element type, number of dimensions), one big-endian uint32 per dimension, then the
 * elements. Only unsigned bytes (type 0x08) occur in these datasets, so only they are supported.
 */
import { gzipSync } from 'node:zlib';
import { LettersError } from '../../common/index.ts';
import { gunzipIfNeeded } from './gzip.ts';

const UNSIGNED_BYTE = 0x08;
/** Bytes per element of each IDX element type (only unsigned bytes are decoded). */
const ELEMENT_BYTES: Readonly<Record<number, number>> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** An IDX tensor: its dimensions and row-major elements. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Images as one flat array of `count * height * width` pixels. */
export interface RawImages {
  readonly images: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

export interface IdxImageOptions {
  /**
   * Whether each image is stored transposed (columns first), as in the NIST EMNIST release.
   * Default true; classic MNIST files (`train-images-idx3-ubyte`) are stored upright: pass false.
   */
  readonly transposed?: boolean;
}

/** Decodes IDX bytes (gzip or raw), validating the magic number, the element type and the length. */
export function decodeIdx(bytes: Uint8Array, file: string): IdxArray {
  const raw = gunzipIfNeeded(bytes, file, idxFileSize);
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) {
    throw new LettersError(`${file}: not an IDX file (bad magic number ${hexMagic(raw)}); expected MNIST/EMNIST idx data`);
  }
  if (raw[2] !== UNSIGNED_BYTE) {
    throw new LettersError(`${file}: IDX element type 0x${raw[2].toString(16)} is not supported; only unsigned bytes (0x08) are`);
  }
  const rank = raw[3];
  const headerLength = 4 + 4 * rank;
  if (rank === 0 || raw.length < headerLength) {
    throw new LettersError(`${file}: truncated IDX header (${raw.length} bytes for ${rank} dimensions)`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = raw.length - headerLength;
  if (actual !== expected) {
    throw new LettersError(
      `${file}: IDX data is ${actual} bytes but the header (${dims.join('x')}) says ${expected}; the file is ${actual < expected ? 'truncated' : 'corrupt'}, download it again`,
    );
  }
  return { dims, data: raw.subarray(headerLength) };
}

/** Encodes an IDX tensor of unsigned bytes, gzip-compressed when asked. */
export function encodeIdx(array: IdxArray, options: { gzip?: boolean } = {}): Uint8Array {
  const expected = array.dims.reduce((a, b) => a * b, 1);
  if (array.data.length !== expected) {
    throw new RangeError(`IDX data has ${array.data.length} elements but dims ${array.dims.join('x')} need ${expected}`);
  }
  const headerLength = 4 + 4 * array.dims.length;
  const out = new Uint8Array(headerLength + array.data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, UNSIGNED_BYTE, array.dims.length]);
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(array.data, headerLength);
  return options.gzip ? gzipSync(out) : out;
}

/** Decodes an idx3 images file (gzip or raw) into upright images. */
export function decodeIdxImages(bytes: Uint8Array, file: string, options: IdxImageOptions = {}): RawImages {
  const { dims, data } = decodeIdx(bytes, file);
  if (dims.length !== 3) {
    throw new LettersError(`${file}: expected an IDX images file (3 dimensions), found ${dims.length} dimensions (${dims.join('x')})`);
  }
  const [count, rows, cols] = dims as [number, number, number];
  if (options.transposed ?? true) {
    // Stored transposed: each stored row is an upright column, so the upright image is cols x rows.
    return { images: transposeImages(data, count, rows, cols), count, height: cols, width: rows };
  }
  return { images: data, count, height: rows, width: cols };
}

/** Decodes an idx1 labels file (gzip or raw). */
export function decodeIdxLabels(bytes: Uint8Array, file: string): Uint8Array {
  const { dims, data } = decodeIdx(bytes, file);
  if (dims.length !== 1) {
    throw new LettersError(`${file}: expected an IDX labels file (1 dimension), found ${dims.length} dimensions (${dims.join('x')})`);
  }
  return data;
}

/** Encodes upright images as an idx3 file, transposed like EMNIST unless `transposed: false`. */
export function encodeIdxImages(set: RawImages, options: IdxImageOptions & { gzip?: boolean } = {}): Uint8Array {
  const transposed = options.transposed ?? true;
  const data = transposed ? transposeImages(set.images, set.count, set.height, set.width) : set.images;
  const dims = transposed ? [set.count, set.width, set.height] : [set.count, set.height, set.width];
  return encodeIdx({ dims, data }, options);
}

/** Encodes labels as an idx1 file. */
export function encodeIdxLabels(labels: Uint8Array, options: { gzip?: boolean } = {}): Uint8Array {
  return encodeIdx({ dims: [labels.length], data: labels }, options);
}

/** Transposes each `height x width` image of a flat batch into a new `width x height` image. */
export function transposeImages(data: Uint8Array, count: number, height: number, width: number): Uint8Array {
  const size = height * width;
  const out = new Uint8Array(count * size);
  for (let n = 0, base = 0; n < count; n++, base += size) {
    for (let r = 0; r < height; r++) {
      const row = base + r * width;
      for (let c = 0; c < width; c++) out[base + c * height + r] = data[row + c];
    }
  }
  return out;
}

/** The size of a whole IDX file as its header declares it (16 + n x rows x cols for images), if the header is there. */
function idxFileSize(prefix: Uint8Array): number | undefined {
  if (prefix.length < 4 || prefix[0] !== 0 || prefix[1] !== 0) return undefined;
  const headerLength = 4 + 4 * prefix[3]!;
  if (prefix.length < headerLength) return undefined;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  let size = 1;
  for (let i = 0; i < prefix[3]!; i++) size *= view.getUint32(4 + 4 * i, false);
  // Elements other than bytes are refused later; the cap only has to be an upper bound.
  return headerLength + size * Math.max(1, ELEMENT_BYTES[prefix[2]!] ?? 1);
}

function hexMagic(raw: Uint8Array): string {
  return `0x${Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
