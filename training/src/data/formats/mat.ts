/**
 * A reader for MATLAB level-5 MAT-files (MAT v5, also what `save -v7` writes), after "MATLAB 5.0
 * MAT-File Format" (MathWorks, 2019): a 128-byte header, then tagged data elements, each either a
 * matrix (miMATRIX) or a zlib-compressed element (miCOMPRESSED) holding one. Numeric and logical
 * arrays, cell arrays and char arrays are decoded; structs, objects and sparse arrays are reported
 * as `other`. v4 files and v7.3 (HDF5) files are rejected with a clear message.
 */
import { LettersError } from '../../common/index.ts';
import { DATA_LIMITS, inflateBounded } from '../limits.ts';

export type MatValue =
  /** Real part as float64, column-major (MATLAB order); `class` is the MATLAB class, e.g. 'uint8', 'double', 'logical'. */
  | { readonly kind: 'numeric'; readonly class: string; readonly dims: readonly number[]; readonly data: Float64Array }
  /** Cells in column-major order. */
  | { readonly kind: 'cell'; readonly dims: readonly number[]; readonly cells: readonly MatValue[] }
  | { readonly kind: 'char'; readonly dims: readonly number[]; readonly text: string }
  | { readonly kind: 'other'; readonly class: string; readonly dims: readonly number[] };

const enum MiType {
  Int8 = 1,
  UInt8 = 2,
  Int16 = 3,
  UInt16 = 4,
  Int32 = 5,
  UInt32 = 6,
  Single = 7,
  Double = 9,
  Int64 = 12,
  UInt64 = 13,
  Matrix = 14,
  Compressed = 15,
  Utf8 = 16,
  Utf16 = 17,
  Utf32 = 18,
}

const CLASS_NAMES: Record<number, string> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8',
  10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64', 16: 'function_handle', 17: 'opaque',
};
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
const LOGICAL_FLAG = 0x0200;

interface Element {
  readonly type: number;
  /** Offset and length of the element's data within the view. */
  readonly start: number;
  readonly length: number;
  /** Offset of the next element. */
  readonly next: number;
}

class Reader {
  constructor(
    readonly view: DataView,
    readonly littleEndian: boolean,
    readonly file: string,
  ) {}

  fail(problem: string): never {
    throw new LettersError(`${this.file}: corrupt MAT-file (${problem})`);
  }

  element(at: number): Element {
    if (at + 8 > this.view.byteLength) this.fail(`element tag at byte ${at} runs past the end`);
    const first = this.view.getUint32(at, this.littleEndian);
    if (first >>> 16 !== 0) {
      // Small data element: type and length share the first word, data (at most 4 bytes) is in the second.
      if (first >>> 16 > 4) this.fail(`small element at byte ${at} claims ${first >>> 16} bytes`);
      return { type: first & 0xffff, start: at + 4, length: first >>> 16, next: at + 8 };
    }
    const length = this.view.getUint32(at + 4, this.littleEndian);
    const start = at + 8;
    if (start + length > this.view.byteLength) this.fail(`element at byte ${at} claims ${length} bytes past the end`);
    // Elements are padded to 8 bytes; compressed ones are not.
    const padded = first === MiType.Compressed ? length : Math.ceil(length / 8) * 8;
    return { type: first, start, length, next: Math.min(start + padded, this.view.byteLength) };
  }

  numbers(element: Element): Float64Array {
    const { view, littleEndian: le } = this;
    const sizes: Record<number, [number, (at: number) => number]> = {
      [MiType.Int8]: [1, (at) => view.getInt8(at)],
      [MiType.UInt8]: [1, (at) => view.getUint8(at)],
      [MiType.Int16]: [2, (at) => view.getInt16(at, le)],
      [MiType.UInt16]: [2, (at) => view.getUint16(at, le)],
      [MiType.Int32]: [4, (at) => view.getInt32(at, le)],
      [MiType.UInt32]: [4, (at) => view.getUint32(at, le)],
      [MiType.Single]: [4, (at) => view.getFloat32(at, le)],
      [MiType.Double]: [8, (at) => view.getFloat64(at, le)],
      [MiType.Int64]: [8, (at) => Number(view.getBigInt64(at, le))],
      [MiType.UInt64]: [8, (at) => Number(view.getBigUint64(at, le))],
      [MiType.Utf8]: [1, (at) => view.getUint8(at)],
      [MiType.Utf16]: [2, (at) => view.getUint16(at, le)],
    };
    const entry = sizes[element.type];
    if (!entry) this.fail(`data type ${element.type} where numbers were expected`);
    const [size, get] = entry;
    const out = new Float64Array(Math.floor(element.length / size));
    for (let i = 0; i < out.length; i++) out[i] = get(element.start + i * size);
    return out;
  }

  /** Parses the payload of an miMATRIX element; returns its name and value. */
  matrix(element: Element, wanted?: (name: string) => boolean, depth = 0): { name: string; value: MatValue } | undefined {
    if (element.length === 0) return { name: '', value: { kind: 'numeric', class: 'double', dims: [0, 0], data: new Float64Array() } };
    if (depth > DATA_LIMITS.maxMatDepth) this.fail(`cell arrays nested deeper than ${DATA_LIMITS.maxMatDepth} levels`);
    const flagsElement = this.element(element.start);
    if (flagsElement.length < 4) this.fail(`array flags at byte ${element.start} are ${flagsElement.length} bytes`);
    const flags = this.view.getUint32(flagsElement.start, this.littleEndian);
    const classCode = flags & 0xff;
    const dimsElement = this.element(flagsElement.next);
    const dims = Array.from(this.numbers(dimsElement));
    if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 0)) this.fail(`array dimensions [${dims.join(', ')}] at byte ${dimsElement.start}`);
    const nameElement = this.element(dimsElement.next);
    const name = new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + nameElement.start, nameElement.length));
    if (wanted && !wanted(name)) return undefined;
    const count = dims.reduce((a, b) => a * b, 1);
    let at = nameElement.next;
    if (classCode === 1) {
      // Each cell takes an 8-byte tag at least: a count the bytes cannot hold is corrupt, not a long loop.
      if (count * 8 > this.view.byteLength - at) this.fail(`${name} claims ${count} cells in ${this.view.byteLength - at} bytes`);
      const cells: MatValue[] = [];
      for (let i = 0; i < count; i++) {
        const cell = this.element(at);
        if (cell.type !== MiType.Matrix) this.fail(`cell ${i} of ${name} is not a matrix element`);
        cells.push(this.matrix(cell, undefined, depth + 1)!.value);
        at = cell.next;
      }
      return { name, value: { kind: 'cell', dims, cells } };
    }
    if (classCode === 4) {
      const chars = this.element(at);
      const codes = this.numbers(chars);
      // Not String.fromCharCode(...codes): a long text would overflow the call stack.
      const text = chars.type === MiType.Utf8 ? new TextDecoder().decode(Uint8Array.from(codes)) : Array.from(codes, (code) => String.fromCharCode(code)).join('');
      return { name, value: { kind: 'char', dims, text } };
    }
    const className = CLASS_NAMES[classCode] ?? `class ${classCode}`;
    if (!NUMERIC_CLASSES.has(classCode)) return { name, value: { kind: 'other', class: className, dims } };
    // The real part may be stored in a narrower type than the class (MATLAB compresses doubles of small integers).
    const data = this.numbers(this.element(at));
    if (data.length !== count) this.fail(`${name} holds ${data.length} values for dimensions ${dims.join('x')}`);
    return { name, value: { kind: 'numeric', class: flags & LOGICAL_FLAG ? 'logical' : className, dims, data } };
  }
}

/**
 * Decodes the variables of a MAT v5 file. With `only`, other variables are skipped once their
 * names are read.
 */
export function decodeMat(bytes: Uint8Array, file: string, options: { only?: readonly string[] } = {}): Map<string, MatValue> {
  try {
    return decodeVariables(bytes, file, options.only);
  } catch (error) {
    // Every offset is checked, but a reader of hostile bytes keeps a net: a RangeError is a corrupt file too.
    if (error instanceof LettersError) throw error;
    throw new LettersError(`${file}: corrupt MAT-file (${(error as Error).message})`, { cause: error });
  }
}

function decodeVariables(bytes: Uint8Array, file: string, only: readonly string[] | undefined): Map<string, MatValue> {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (bytes.length < 128 || !text.startsWith('MATLAB')) {
    throw new LettersError(`${file}: not a MAT v5 file (no "MATLAB 5.0 MAT-file" header); save it in MATLAB with -v7 or with scipy.io.savemat`);
  }
  const indicator = String.fromCharCode(bytes[126]!, bytes[127]!);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = indicator === 'IM';
  if (!littleEndian && indicator !== 'MI') throw new LettersError(`${file}: corrupt MAT-file header (endian indicator ${JSON.stringify(indicator)})`);
  const version = view.getUint16(124, littleEndian);
  if (version !== 0x0100) {
    throw new LettersError(`${file}: MAT-file version 0x${version.toString(16)} is not supported (v7.3/HDF5?); save it with -v7 or scipy.io.savemat`);
  }
  const wanted = only ? (name: string) => only.includes(name) : undefined;
  const top = new Reader(view, littleEndian, file);
  const variables = new Map<string, MatValue>();
  for (let at = 128; at < bytes.length; ) {
    const element = top.element(at);
    at = element.next;
    let reader = top;
    let matrix = element;
    if (element.type === MiType.Compressed) {
      const inflated = inflateBounded(bytes.subarray(element.start, element.start + element.length), 'zlib', {
        source: file,
        what: `compressed MAT-file element at byte ${element.start - 8}`,
        declaredSize: (prefix) => matElementSize(prefix, littleEndian),
      });
      reader = new Reader(new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength), littleEndian, file);
      matrix = reader.element(0);
    }
    if (matrix.type !== MiType.Matrix) continue;
    const parsed = reader.matrix(matrix, wanted);
    if (parsed) variables.set(parsed.name, parsed.value);
  }
  return variables;
}

/** The size of the one element a compressed element holds, from its tag (8 bytes plus the length it declares). */
function matElementSize(prefix: Uint8Array, littleEndian: boolean): number | undefined {
  if (prefix.length < 8) return undefined;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const first = view.getUint32(0, littleEndian);
  // Rounded up to the 8-byte padding elements carry, in case a writer includes it.
  return first >>> 16 !== 0 ? 8 : 8 + Math.ceil(view.getUint32(4, littleEndian) / 8) * 8;
}
