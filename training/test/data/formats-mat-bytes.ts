/**
 * Builds small MAT v5 files for tests, element by element as the format specification lays them
 * out, so the reader can be tested on classes and layouts the real file does not use.
 */
import { deflateSync } from 'node:zlib';

export type MatClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'logical';
export type MatInput =
  | { readonly class: MatClass; readonly dims: readonly number[]; readonly data: readonly number[] }
  | { readonly cell: readonly number[]; readonly cells: readonly MatInput[] }
  | { readonly char: string };

const CLASS: Record<MatClass, [classCode: number, miType: number, bytes: number]> = {
  double: [6, 9, 8],
  single: [7, 7, 4],
  int8: [8, 1, 1],
  uint8: [9, 2, 1],
  int16: [10, 3, 2],
  uint16: [11, 4, 2],
  int32: [12, 5, 4],
  uint32: [13, 6, 4],
  logical: [9, 2, 1],
};

function element(type: number, data: Uint8Array): Uint8Array {
  if (data.length <= 4 && data.length > 0 && type !== 14) {
    // Small data element format: length and type share the first word.
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (data.length << 16) | type, true);
    out.set(data, 4);
    return out;
  }
  const padded = type === 15 ? data.length : Math.ceil(data.length / 8) * 8;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

const concat = (parts: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

function numbers(miType: number, bytes: number, values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const view = new DataView(out.buffer);
  const set: Record<number, (at: number, v: number) => void> = {
    1: (at, v) => view.setInt8(at, v),
    2: (at, v) => view.setUint8(at, v),
    3: (at, v) => view.setInt16(at, v, true),
    4: (at, v) => view.setUint16(at, v, true),
    5: (at, v) => view.setInt32(at, v, true),
    6: (at, v) => view.setUint32(at, v, true),
    7: (at, v) => view.setFloat32(at, v, true),
    9: (at, v) => view.setFloat64(at, v, true),
  };
  values.forEach((v, i) => set[miType](i * bytes, v));
  return out;
}

function matrix(name: string, value: MatInput): Uint8Array {
  const header = (classCode: number, flags: number, dims: readonly number[]) => [
    element(6, numbers(6, 4, [classCode | flags, 0])),
    element(5, numbers(5, 4, dims)),
    element(1, new TextEncoder().encode(name)),
  ];
  let parts: Uint8Array[];
  if ('cell' in value) {
    parts = [...header(1, 0, value.cell), ...value.cells.map((cell) => matrix('', cell))];
  } else if ('char' in value) {
    const codes = [...value.char].map((c) => c.charCodeAt(0));
    parts = [...header(4, 0, [1, codes.length]), element(4, numbers(4, 2, codes))];
  } else {
    const [classCode, miType, bytes] = CLASS[value.class];
    parts = [...header(classCode, value.class === 'logical' ? 0x200 : 0, value.dims), element(miType, numbers(miType, bytes, value.data))];
  }
  return element(14, concat(parts));
}

/** A MAT v5 file holding `variables`, each compressed (miCOMPRESSED) unless `compress: false`. */
export function matFile(variables: Readonly<Record<string, MatInput>>, options: { compress?: boolean } = {}): Uint8Array {
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by the letters tests'));
  header.fill(0, 116, 124);
  header.set([0x00, 0x01, 0x49, 0x4d], 124); // version 0x0100, little-endian indicator "IM"
  const elements = Object.entries(variables).map(([name, value]) => {
    const plain = matrix(name, value);
    return options.compress === false ? plain : element(15, deflateSync(plain));
  });
  return concat([header, ...elements]);
}

/** Column-major data of a row-major `rows x cols` image, as MATLAB stores it. */
export function columnMajor(rowMajor: ArrayLike<number>, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out.push(rowMajor[r * cols + c]);
  return out;
}
