/**
 * NumPy's `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic "\x93NUMPY", version, a Python-literal header dict (descr, fortran_order, shape), then the
 * elements. Little-endian and byte-sized dtypes are supported: what datasets in this toolkit use.
 */
import { LettersError } from '../../common/index.ts';

export type NpyDtype = 'u1' | 'i1' | 'b1' | 'u2' | 'i2' | 'u4' | 'i4' | 'f4' | 'f8';

export type NpyData = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** A C-ordered array. Booleans ('b1') are Uint8Array of 0/1. */
export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const constructors: Record<NpyDtype, { new (buffer: ArrayBuffer): NpyData; BYTES_PER_ELEMENT: number }> = {
  u1: Uint8Array,
  i1: Int8Array,
  b1: Uint8Array,
  u2: Uint16Array,
  i2: Int16Array,
  u4: Uint32Array,
  i4: Int32Array,
  f4: Float32Array,
  f8: Float64Array,
};

/** Decodes a `.npy` file, validating magic, header and length. `file` names it in errors. */
export function decodeNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new LettersError(`${file}: not a .npy array (bad magic number)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerStart = major === 1 ? 10 : 12;
  if (major !== 1 && major !== 2 && major !== 3) throw new LettersError(`${file}: unsupported .npy version ${major}`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerStart + headerLength > bytes.length) throw new LettersError(`${file}: truncated .npy header`);
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new LettersError(`${file}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  const dtype = parseDescr(descr, file);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new LettersError(`${file}: bad .npy shape (${shapeText})`);
  const Constructor = constructors[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  const byteLength = count * Constructor.BYTES_PER_ELEMENT;
  if (bytes.length - dataStart !== byteLength) {
    throw new LettersError(
      `${file}: .npy data is ${bytes.length - dataStart} bytes but shape (${shape.join(', ')}) of ${dtype} needs ${byteLength}`,
    );
  }
  // Copy: the data offset inside a zip member need not be aligned for the typed array.
  const data = new Constructor(bytes.slice(dataStart, dataStart + byteLength).buffer);
  if (dtype === 'b1' && data.some((v) => v > 1)) throw new LettersError(`${file}: boolean .npy array holds values other than 0/1`);
  return { dtype, shape, data: fortran === 'True' ? toCOrder(data, shape) : data };
}

/** Encodes a `.npy` (version 1.0) file; the header is padded so the data starts 64-byte aligned, as NumPy does. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) {
    throw new RangeError(`.npy data has ${array.data.length} elements but shape (${array.shape.join(', ')}) needs ${count}`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const order = array.dtype.endsWith('1') ? '|' : '<';
  let header = `{'descr': '${order}${array.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const headerBytes = new TextEncoder().encode(header);
  const data = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(10 + headerBytes.length + data.length);
  out.set(MAGIC);
  out.set([1, 0, headerBytes.length & 0xff, headerBytes.length >> 8], 6);
  out.set(headerBytes, 10);
  out.set(data, 10 + headerBytes.length);
  return out;
}

function parseDescr(descr: string, file: string): NpyDtype {
  const match = /^([<>|=]?)([uibf]\d)$/.exec(descr);
  const dtype = match?.[2] as NpyDtype | undefined;
  if (!match || dtype === undefined || !(dtype in constructors)) {
    throw new LettersError(`${file}: .npy dtype '${descr}' is not supported (use ${Object.keys(constructors).join(', ')})`);
  }
  if (match[1] === '>' && !dtype.endsWith('1')) throw new LettersError(`${file}: big-endian .npy dtype '${descr}' is not supported`);
  return dtype;
}

/** Reorders a Fortran-ordered (column-major) array into C order. */
function toCOrder(data: NpyData, shape: readonly number[]): NpyData {
  const out = new (data.constructor as new (length: number) => NpyData)(data.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  const cStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  for (let f = 0; f < data.length; f++) {
    out[index.reduce((sum, k, i) => sum + k * cStrides[i]!, 0)] = data[f]!;
    // Fortran order: the first index varies fastest.
    for (let i = 0; i < rank && ++index[i]! === shape[i]; i++) index[i] = 0;
  }
  return out;
}
