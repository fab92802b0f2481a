/**
 * The fuzz suite's inputs: from small valid files of every format the toolkit reads (IDX, gzip, zip,
 * npz, MAT, PNG, JPEG, ONNX, a model folder), a seeded generator makes corrupt and hostile variants:
 * structural attacks written for each format (decompression bombs, lying sizes, hostile headers,
 * symlinks to devices, FIFOs, directories) and random byte-level mutations. Each case is a folder of
 * files; `run` says which loader reads it.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, lstatSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { LETTER_CLASS_NAMES } from '@letters/contract';
import { exportToOnnx } from '@letters/export';
import { buildModel, DENSE_MODEL, saveModel } from '@letters/training';
import { createRandom, encodeIdxImages, encodeIdxLabels, encodeNpz, type Random } from '../../../training/src/data/index.ts';
import { gzipBomb, idxHeader, lyingZip, zipBomb } from '../../../test-support/hostile-files.ts';
import { matFile, type MatInput } from '../../../training/test/data/formats-mat-bytes.ts';

/** Which loader reads a case, and so which files it holds. */
export type Target = 'letters-sample' | 'emnist-zip' | 'npz' | 'mat' | 'png' | 'jpeg' | 'onnx' | 'model';

/** A file of a case: bytes, or something that is not a regular file. */
export type CaseFile = Uint8Array | { readonly symlink: string } | { readonly fifo: true } | { readonly dir: true };

export interface FuzzCase {
  readonly id: string;
  readonly target: Target;
  readonly what: string;
  /** Paths relative to the case's folder. */
  readonly files: Readonly<Record<string, CaseFile>>;
  /** Written to be refused (the structural cases); a random mutation may leave a file valid. */
  readonly invalid: boolean;
}

export const SAMPLE_IMAGES = 'emnist-letters-train-sample-images-idx3-ubyte.gz';
export const SAMPLE_LABELS = 'emnist-letters-train-sample-labels-idx1-ubyte.gz';
export const NPZ = 'binaryalphadigits.npz';
export const MAT = 'binaryalphadigs.mat';
export const ONNX = 'model.onnx';
export const MODEL_DIR = 'model';
const BYCLASS = (kind: 'images-idx3' | 'labels-idx1') => `gzip/emnist-byclass-test-${kind}-ubyte.gz`;
const LETTERS = (split: 'train' | 'test', kind: 'images-idx3' | 'labels-idx1') => `gzip/emnist-letters-${split}-${kind}-ubyte.gz`;

/** The valid files the cases are made from. */
export interface Bases {
  readonly imagesIdx: Uint8Array;
  readonly labelsIdx: Uint8Array;
  readonly zip: Record<string, Uint8Array>;
  readonly npz: Uint8Array;
  readonly mat: Uint8Array;
  readonly png: Uint8Array;
  readonly jpeg: Uint8Array;
  readonly onnx: Uint8Array;
  readonly model: { readonly json: string; readonly weights: Uint8Array };
}

/** Letters-like images: a stroke per class, so files compress as real ones do. */
function letterSet(count: number, height: number, width: number, ink: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * height * width);
  const labels = Uint8Array.from({ length: count }, (_, i) => 1 + (i % 26));
  for (let n = 0; n < count; n++) {
    const row = labels[n]! % height;
    images.fill(ink, n * height * width + row * width, n * height * width + row * width + width);
  }
  return { images, labels };
}

export async function makeBases(repoRoot: string, scratch: string): Promise<Bases> {
  const letters = letterSet(520, 28, 28, 255);
  const raw = { images: letters.images, count: 520, height: 28, width: 28 };
  const gz = (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes));
  const imagesIdx = encodeIdxImages(raw, { gzip: true });
  const labelsIdx = encodeIdxLabels(letters.labels, { gzip: true });
  // ByClass labels: letters are 10-61 (upper case 10-35).
  const byclassLabels = letters.labels.map((l) => 9 + l);
  const zip = {
    [BYCLASS('images-idx3')]: imagesIdx,
    [BYCLASS('labels-idx1')]: gz(encodeIdxLabels(byclassLabels)),
    [LETTERS('train', 'images-idx3')]: imagesIdx,
    [LETTERS('train', 'labels-idx1')]: labelsIdx,
    [LETTERS('test', 'images-idx3')]: imagesIdx,
    [LETTERS('test', 'labels-idx1')]: labelsIdx,
  };
  const binary = letterSet(260, 20, 16, 1);
  const npz = encodeNpz({ images: { dtype: 'u1', shape: [260, 20, 16], data: binary.images }, labels: { dtype: 'u1', shape: [260], data: binary.labels } });
  const mat = matFile({ dat: binaryAlphaDigitsCell(10) }, { compress: false });

  await tf.setBackend('cpu');
  const tfjs = buildModel({ ...DENSE_MODEL, denseUnits: [16] }, { numClasses: 27, seed: 3 });
  const { onnx } = await exportToOnnx(tfjs, { labels: LETTER_CLASS_NAMES });
  const modelDir = join(scratch, 'base-model');
  await saveModel(tfjs, modelDir);
  tfjs.dispose();
  return {
    imagesIdx,
    labelsIdx,
    zip,
    npz,
    mat,
    png: new Uint8Array(readFileSync(join(repoRoot, 'fixtures/images/A-light-on-dark-28x28.png'))),
    jpeg: new Uint8Array(readFileSync(join(repoRoot, 'fixtures/images/E-dark-on-light-48x48.jpg'))),
    onnx,
    model: { json: readFileSync(join(modelDir, 'model.json'), 'utf8'), weights: new Uint8Array(readFileSync(join(modelDir, 'weights.bin'))) },
  };
}

/** Binary AlphaDigits' `dat`: a 36 x perClass cell of 20x16 binary arrays (column-major cells). */
function binaryAlphaDigitsCell(perClass: number, cell: (row: number) => MatInput = () => ({ class: 'uint8', dims: [20, 16], data: new Array<number>(320).fill(0).map((_, i) => (i % 7 === 0 ? 1 : 0)) })): MatInput {
  const cells: MatInput[] = [];
  for (let example = 0; example < perClass; example++) for (let row = 0; row < 36; row++) cells.push(cell(row));
  return { cell: [36, perClass], cells };
}

// --- byte-level mutations -------------------------------------------------------------------------

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 0x10000];

/** One seeded random mutation of `bytes`, and what it did. */
export function mutate(bytes: Uint8Array, random: Random): { bytes: Uint8Array; what: string } {
  const at = (n = bytes.length) => random.int(Math.max(1, n));
  const copy = () => bytes.slice();
  switch (random.int(8)) {
    case 0: {
      const length = at();
      return { bytes: bytes.slice(0, length), what: `truncated to ${length} bytes` };
    }
    case 1: {
      const out = copy();
      const flips = 1 + random.int(8);
      for (let i = 0; i < flips; i++) out[at()] ^= 1 << random.int(8);
      return { bytes: out, what: `${flips} bits flipped` };
    }
    case 2: {
      const out = copy();
      const where = at(bytes.length - 3);
      const value = EXTREMES[random.int(EXTREMES.length)]!;
      new DataView(out.buffer).setUint32(where, value, random.next() < 0.5);
      return { bytes: out, what: `word at ${where} set to 0x${value.toString(16)}` };
    }
    case 3: {
      const out = copy();
      const where = at();
      const length = Math.min(bytes.length - where, 1 + random.int(64));
      for (let i = 0; i < length; i++) out[where + i] = random.int(256);
      return { bytes: out, what: `${length} random bytes at ${where}` };
    }
    case 4: {
      const where = at();
      const extra = Uint8Array.from({ length: 1 + random.int(32) }, () => random.int(256));
      return { bytes: new Uint8Array(Buffer.concat([bytes.subarray(0, where), extra, bytes.subarray(where)])), what: `${extra.length} bytes inserted at ${where}` };
    }
    case 5: {
      const where = at();
      const length = 1 + random.int(Math.max(1, bytes.length - where));
      return { bytes: new Uint8Array(Buffer.concat([bytes.subarray(0, where), bytes.subarray(where + length)])), what: `${length} bytes removed at ${where}` };
    }
    case 6: {
      const garbage = Uint8Array.from({ length: 1 + random.int(256) }, () => random.int(256));
      return { bytes: new Uint8Array(Buffer.concat([bytes, garbage])), what: `${garbage.length} bytes of garbage appended` };
    }
    default: {
      const where = at();
      const length = Math.min(bytes.length - where, 1 + random.int(4096));
      const out = copy();
      out.fill(random.next() < 0.5 ? 0 : 0xff, where, where + length);
      return { bytes: out, what: `${length} bytes at ${where} filled` };
    }
  }
}

// --- the cases ----------------------------------------------------------------------------------

const not = {
  zero: { symlink: '/dev/zero' },
  fifo: { fifo: true },
  dir: { dir: true },
} as const satisfies Record<string, CaseFile>;

function structural(b: Bases): Omit<FuzzCase, 'id'>[] {
  const gz = (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes));
  const sample = (images: CaseFile, labels: CaseFile = b.labelsIdx) => ({ [SAMPLE_IMAGES]: images, [SAMPLE_LABELS]: labels });
  const idx = (what: string, images: CaseFile, labels?: CaseFile): Omit<FuzzCase, 'id'> => ({ target: 'letters-sample', what, files: sample(images, labels), invalid: true });
  const labels = (values: number[]) => encodeIdxLabels(Uint8Array.from(values), { gzip: true });
  const zipOf = (members: Record<string, Uint8Array>) => zipSync(members, { mtime: new Date(1980, 0, 1) });
  // The archive's other members, so that a lying first member is what the reader meets.
  const { [BYCLASS('images-idx3')]: _, ...rest } = b.zip;
  const zipCase = (what: string, zip: CaseFile): Omit<FuzzCase, 'id'> => ({ target: 'emnist-zip', what, files: { 'gzip.zip': zip }, invalid: true });
  const npzCase = (what: string, npz: CaseFile): Omit<FuzzCase, 'id'> => ({ target: 'npz', what, files: { [NPZ]: npz }, invalid: true });
  const npyHeader = (header: string, data = new Uint8Array(0)) => {
    const text = new TextEncoder().encode(header);
    const out = new Uint8Array(10 + text.length + data.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
    out.set(text, 10);
    out.set(data, 10 + text.length);
    return out;
  };
  const goodLabels = { dtype: 'u1', shape: [260], data: Uint8Array.from({ length: 260 }, (_, i) => 1 + (i % 26)) } as const;
  const withImagesNpy = (npy: Uint8Array) => zipOf({ 'images.npy': npy, 'labels.npy': npyHeader(`{'descr': '|u1', 'fortran_order': False, 'shape': (260,), }`, goodLabels.data) });
  const matCase = (what: string, mat: CaseFile): Omit<FuzzCase, 'id'> => ({ target: 'mat', what, files: { [MAT]: mat }, invalid: true });
  const onnxCase = (what: string, onnx: CaseFile): Omit<FuzzCase, 'id'> => ({ target: 'onnx', what, files: { [ONNX]: onnx }, invalid: true });
  const modelJson = JSON.parse(b.model.json) as { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }; weightsManifest: { paths: string[]; weights: { shape: number[]; dtype: string }[] }[] };
  // model.json as text, as a value to serialize, or not a regular file.
  const modelCase = (what: string, json: CaseFile | string | object, weights: CaseFile = b.model.weights): Omit<FuzzCase, 'id'> => ({
    target: 'model',
    what,
    files: { [`${MODEL_DIR}/model.json`]: modelJsonFile(json), [`${MODEL_DIR}/weights.bin`]: weights },
    invalid: true,
  });
  const edit = (change: (json: typeof modelJson) => void) => {
    const json = structuredClone(modelJson);
    change(json);
    return json;
  };
  const dense = (json: typeof modelJson) => json.modelTopology.config.layers.find((l) => 'units' in l.config)!.config;
  const png = pngWithSize(b.png);
  const jpeg = jpegWithSize(b.jpeg);
  return [
    // IDX, raw and gzip
    idx('gzip bomb: header declares 10 images, 48 MB of zeros follow', gzipBomb(idxHeader([10, 28, 28]), 48)),
    idx('gzip bomb of labels: header declares 520, 32 MB follow', b.imagesIdx, gzipBomb(idxHeader([520]), 32)),
    idx('header declares 100 GB', gzipBomb(idxHeader([100_000, 1000, 1000]), 1)),
    idx('header declares 4 GB of raw bytes', idxHeader([0xffff, 0xffff, 1])),
    idx('dimensions of -8320 as uint32', gz(idxHeader([0xffffdf80, 28, 28]))),
    idx('no images', encodeIdxImages({ images: new Uint8Array(0), count: 0, height: 28, width: 28 }, { gzip: true }), labels([])),
    idx('one image', encodeIdxImages({ images: new Uint8Array(784), count: 1, height: 28, width: 28 }, { gzip: true }), labels([1])),
    idx('784x1 images', encodeIdxImages({ images: new Uint8Array(520 * 784), count: 520, height: 784, width: 1 }, { gzip: true })),
    idx('1x1 images', encodeIdxImages({ images: new Uint8Array(520), count: 520, height: 1, width: 1 }, { gzip: true })),
    idx('labels of another count', b.imagesIdx, labels([1, 2, 3])),
    idx('label 27', b.imagesIdx, labels(Array.from({ length: 520 }, (_, i) => (i === 7 ? 27 : 1 + (i % 26))))),
    idx('labels all 0', b.imagesIdx, labels(new Array<number>(520).fill(0))),
    idx('rank 0', gz(Uint8Array.of(0, 0, 8, 0))),
    idx('rank 255, header cut', gz(Uint8Array.of(0, 0, 8, 255, 0, 0, 0, 1))),
    idx('element type 0x0d (float)', gz(Uint8Array.of(0, 0, 0x0d, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28))),
    idx('bad magic', gz(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))),
    idx('labels as images (rank 1)', b.labelsIdx),
    idx('images as labels (rank 3)', b.imagesIdx, b.imagesIdx),
    idx('empty file', new Uint8Array(0)),
    idx('gzip header only', gzipSync(new Uint8Array(0)).subarray(0, 10)),
    idx('gzip with a bad CRC', (() => { const g = b.imagesIdx.slice(); g[g.length - 6] ^= 0xff; return g; })()),
    idx('gzip followed by garbage', new Uint8Array(Buffer.concat([b.imagesIdx, Buffer.from('garbage after the gzip member')]))),
    idx('two gzip members: data longer than the header says', new Uint8Array(Buffer.concat([b.imagesIdx, gz(new Uint8Array(784))]))),
    idx('raw IDX truncated', encodeIdxImages({ images: new Uint8Array(520 * 784), count: 520, height: 28, width: 28 }).subarray(0, 5000)),
    idx('images: symlink to /dev/zero', not.zero),
    idx('labels: symlink to /dev/zero', b.imagesIdx, not.zero),
    idx('images: a FIFO', not.fifo),
    idx('images: a directory', not.dir),
    idx('images: a dangling symlink', { symlink: '/nonexistent/images.gz' }),
    // zip (the official archive's layout)
    zipCase('a member declaring 4 GB', lyingZip(BYCLASS('images-idx3'), b.imagesIdx, { declaredSize: 0xfffffff0 }, rest)),
    zipCase('zip bomb: 16 MB member declared as 1000 bytes', zipBomb(BYCLASS('images-idx3'), 16, 1000)),
    zipCase('file name length 0xFFFF', lyingZip(BYCLASS('images-idx3'), b.imagesIdx, { nameLength: 0xffff }, rest)),
    zipCase('compression method 99', lyingZip(BYCLASS('images-idx3'), b.imagesIdx, { method: 99 }, rest)),
    zipCase('encrypted member', lyingZip(BYCLASS('images-idx3'), b.imagesIdx, { flags: 1 }, rest)),
    zipCase('no end-of-central-directory record', zipOf(b.zip).subarray(0, 200)),
    zipCase('central directory offset past the end', (() => { const z = zipOf(b.zip); new DataView(z.buffer).setUint32(z.length - 6, 0x7fffffff, true); return z; })()),
    zipCase('entry count 65535 (zip64 marker without a zip64 record)', (() => { const z = zipOf(b.zip); new DataView(z.buffer).setUint16(z.length - 12, 0xffff, true); new DataView(z.buffer).setUint16(z.length - 14, 0xffff, true); return z; })()),
    zipCase('members missing', zipOf({ 'gzip/other.txt': new TextEncoder().encode('not EMNIST') })),
    zipCase('member is not gzip', zipOf({ ...b.zip, [BYCLASS('images-idx3')]: new TextEncoder().encode('plain text, not gzip, not IDX') })),
    zipCase('member gzip bomb', zipOf({ ...b.zip, [BYCLASS('images-idx3')]: gzipBomb(idxHeader([10, 28, 28]), 24) })),
    zipCase('member with 784x1 images', zipOf({ ...b.zip, [BYCLASS('images-idx3')]: encodeIdxImages({ images: new Uint8Array(520 * 784), count: 520, height: 784, width: 1 }, { gzip: true }) })),
    zipCase('empty file', new Uint8Array(0)),
    zipCase('symlink to /dev/zero', not.zero),
    zipCase('a FIFO', not.fifo),
    // npz
    npzCase('arrays declaring 4 GB', lyingZip('images.npy', new Uint8Array(100), { declaredSize: 0xfffffff0 })),
    npzCase('zip bomb: 16 MB images.npy declared as 1000 bytes', zipBomb('images.npy', 16, 1000)),
    npzCase('npy: bad magic', withImagesNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))),
    npzCase('npy: header length past the end', withImagesNpy(Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0xff, 0xff))),
    npzCase('npy: version 9', withImagesNpy(Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0))),
    npzCase('npy: negative shape', withImagesNpy(npyHeader(`{'descr': '|u1', 'fortran_order': False, 'shape': (-260, 20, 16), }`))),
    npzCase('npy: shape of 10^15 elements', withImagesNpy(npyHeader(`{'descr': '|u1', 'fortran_order': False, 'shape': (1000000000000000, 1), }`))),
    npzCase('npy: shape 1e400', withImagesNpy(npyHeader(`{'descr': '|u1', 'fortran_order': False, 'shape': (1e400,), }`))),
    npzCase('npy: object dtype', withImagesNpy(npyHeader(`{'descr': '|O', 'fortran_order': False, 'shape': (260, 20, 16), }`))),
    npzCase('npy: big-endian int32', withImagesNpy(npyHeader(`{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(4)))),
    npzCase('npy: no header dict', withImagesNpy(npyHeader('hello'))),
    npzCase('npy: Fortran order, wrong length', withImagesNpy(npyHeader(`{'descr': '|u1', 'fortran_order': True, 'shape': (260, 20, 16), }`, new Uint8Array(10)))),
    npzCase('no images', encodeNpz({ images: { dtype: 'u1', shape: [0, 20, 16], data: new Uint8Array(0) }, labels: { dtype: 'u1', shape: [0], data: new Uint8Array(0) } })),
    npzCase('one image', encodeNpz({ images: { dtype: 'u1', shape: [1, 20, 16], data: new Uint8Array(320) }, labels: { dtype: 'u1', shape: [1], data: Uint8Array.of(1) } })),
    npzCase('28x28 images', encodeNpz({ images: { dtype: 'u1', shape: [260, 28, 28], data: new Uint8Array(260 * 784) }, labels: goodLabels })),
    npzCase('pixel value 2', encodeNpz({ images: { dtype: 'u1', shape: [260, 20, 16], data: new Uint8Array(260 * 320).fill(2) }, labels: goodLabels })),
    npzCase('labels missing', encodeNpz({ images: { dtype: 'u1', shape: [260, 20, 16], data: new Uint8Array(260 * 320) } })),
    npzCase('label 0', encodeNpz({ images: { dtype: 'u1', shape: [260, 20, 16], data: new Uint8Array(260 * 320) }, labels: { ...goodLabels, data: new Uint8Array(260) } })),
    npzCase('not a zip', new TextEncoder().encode('this is not an npz')),
    npzCase('symlink to /dev/zero', not.zero),
    npzCase('a directory', not.dir),
    // MAT
    matCase('negative dimensions', matFile({ dat: { class: 'double', dims: [-8320, 1], data: [] } }, { compress: false })),
    matCase('500,000-character cell', matFile({ dat: { cell: [1, 1], cells: [{ char: 'x'.repeat(500_000) }] } })),
    matCase('cells nested 200 deep', matFile({ dat: nestedCells(200) }, { compress: false })),
    matCase('a cell array claiming 10^9 cells', matFile({ dat: { cell: [36, 30_000_000], cells: [] } }, { compress: false })),
    matCase('compressed element bomb', matBomb(b.mat, 24)),
    matCase('v7.3 (HDF5) header', (() => { const m = b.mat.slice(); m[124] = 0; m[125] = 2; return m; })()),
    matCase('endian indicator garbage', (() => { const m = b.mat.slice(); m[126] = 0x41; m[127] = 0x42; return m; })()),
    matCase('header only', b.mat.subarray(0, 128)),
    matCase('not a MAT file', new Uint8Array(500)),
    matCase("'dat' is not a cell", matFile({ dat: { class: 'double', dims: [2, 2], data: [1, 2, 3, 4] } })),
    matCase("'dat' has no letters rows", matFile({ dat: { cell: [10, 1], cells: Array.from({ length: 10 }, () => ({ class: 'uint8', dims: [20, 16], data: new Array<number>(320).fill(0) }) as MatInput) } })),
    matCase('cells of 28x28', matFile({ dat: binaryAlphaDigitsCell(2, () => ({ class: 'uint8', dims: [28, 28], data: new Array<number>(784).fill(0) })) })),
    matCase('no images per class', matFile({ dat: { cell: [36, 0], cells: [] } })),
    matCase('dimensions 1.5 (double)', matWithDoubleDims()),
    matCase('symlink to /dev/zero', not.zero),
    matCase('a FIFO', not.fifo),
    // PNG and JPEG
    { target: 'png', what: 'header claims 100000x100000 (valid CRC)', files: { 'x.png': png(100_000, 100_000) }, invalid: true },
    { target: 'png', what: 'header claims 0x0', files: { 'x.png': png(0, 0) }, invalid: true },
    { target: 'png', what: 'truncated in half', files: { 'x.png': b.png.subarray(0, b.png.length >> 1) }, invalid: true },
    { target: 'png', what: 'signature only', files: { 'x.png': b.png.subarray(0, 8) }, invalid: true },
    { target: 'png', what: 'empty file', files: { 'x.png': new Uint8Array(0) }, invalid: true },
    { target: 'png', what: 'symlink to /dev/zero', files: { 'x.png': not.zero }, invalid: true },
    { target: 'jpeg', what: 'SOF claims 65500x65500', files: { 'x.jpg': jpeg(65_500, 65_500) }, invalid: true },
    { target: 'jpeg', what: 'truncated in half', files: { 'x.jpg': b.jpeg.subarray(0, b.jpeg.length >> 1) }, invalid: true },
    { target: 'jpeg', what: 'SOI marker only', files: { 'x.jpg': Uint8Array.of(0xff, 0xd8) }, invalid: true },
    { target: 'jpeg', what: 'a FIFO', files: { 'x.jpg': not.fifo }, invalid: true },
    // ONNX
    onnxCase('truncated to 10 bytes', b.onnx.subarray(0, 10)),
    onnxCase('truncated in half', b.onnx.subarray(0, b.onnx.length >> 1)),
    onnxCase('empty file', new Uint8Array(0)),
    onnxCase('an overlong varint', Uint8Array.of(0x08, ...new Array<number>(20).fill(0xff))),
    onnxCase('a field claiming 2 GB', Uint8Array.of(0x3a, 0xff, 0xff, 0xff, 0xff, 0x07)),
    onnxCase('a PNG named .onnx', b.png),
    onnxCase('input renamed (contract)', renameInput(b.onnx)),
    onnxCase('symlink to /dev/zero', not.zero),
    onnxCase('a directory', not.dir),
    // model folders
    { target: 'model', what: 'model.json missing', files: { [`${MODEL_DIR}/weights.bin`]: b.model.weights }, invalid: true },
    modelCase('model.json is a directory', not.dir),
    modelCase('model.json is not JSON', new TextEncoder().encode('{"modelTopology": ')),
    modelCase('model.json is an array', []),
    modelCase('no weightsManifest', edit((j) => delete (j as Partial<typeof j>).weightsManifest)),
    modelCase('units 1e9', edit((j) => (dense(j).units = 1e9))),
    modelCase('units -1', edit((j) => (dense(j).units = -1))),
    modelCase('units "many"', edit((j) => (dense(j).units = 'many'))),
    modelCase('batch_input_shape of 10^6', edit((j) => (j.modelTopology.config.layers[0]!.config.batch_input_shape = [null, 1_000_000, 1_000_000, 1]))),
    modelCase('a weight of shape [2^30, 64]', edit((j) => (j.weightsManifest[0]!.weights[0]!.shape = [2 ** 30, 64]))),
    modelCase('a weight of shape [-1]', edit((j) => (j.weightsManifest[0]!.weights[0]!.shape = [-1]))),
    modelCase('dtype complex64', edit((j) => (j.weightsManifest[0]!.weights[0]!.dtype = 'complex64'))),
    modelCase('weights path ../../etc/passwd', edit((j) => (j.weightsManifest[0]!.paths = ['../../etc/passwd']))),
    modelCase('an unknown layer class', edit((j) => (j.modelTopology.config.layers[1]!.class_name = 'Nope'))),
    modelCase('topology nested 5000 deep', new TextEncoder().encode(b.model.json.replace('"modelTopology":', `"modelTopology":{"class_name":"Sequential","config":${'['.repeat(5000)}${']'.repeat(5000)}},"x":`))),
    modelCase('weights truncated', b.model.json, b.model.weights.subarray(0, 100)),
    modelCase('weights.bin is a directory', b.model.json, not.dir),
    modelCase('weights: symlink to /dev/zero', b.model.json, not.zero),
    modelCase('model.json: symlink to /dev/zero', not.zero),
    modelCase('model.json: a FIFO', not.fifo),
  ];
}

function modelJsonFile(json: CaseFile | string | object): CaseFile {
  if (typeof json === 'string') return new TextEncoder().encode(json);
  if (json instanceof Uint8Array || (!Array.isArray(json) && ('symlink' in json || 'fifo' in json || 'dir' in json))) return json as CaseFile;
  return new TextEncoder().encode(JSON.stringify(json));
}

function nestedCells(depth: number): MatInput {
  let value: MatInput = { class: 'double', dims: [1, 1], data: [1] };
  for (let i = 0; i < depth; i++) value = { cell: [1, 1], cells: [value] };
  return value;
}

/** A compressed MAT element whose tag declares a small matrix, followed by `megabytes` MB of zeros. */
function matBomb(mat: Uint8Array, megabytes: number): Uint8Array {
  const plain = matFile({ x: { class: 'double', dims: [1, 1], data: [1] } }, { compress: false });
  const inflated = new Uint8Array(plain.length - 128 + megabytes * 1024 * 1024);
  inflated.set(plain.subarray(128));
  const compressed = deflateSync(inflated, { level: 9 });
  const tag = new Uint8Array(8);
  new DataView(tag.buffer).setUint32(0, 15, true);
  new DataView(tag.buffer).setUint32(4, compressed.length, true);
  return new Uint8Array(Buffer.concat([mat.subarray(0, 128), tag, compressed]));
}

/** A MAT file whose dimensions element holds doubles (1.5 x 2). */
function matWithDoubleDims(): Uint8Array {
  const mat = matFile({ dat: { class: 'double', dims: [3, 2], data: [1, 2, 3, 4, 5, 6] } }, { compress: false });
  // The dims element (int32 [3, 2]) follows the 16-byte flags element: rewrite it as one double 1.5.
  const view = new DataView(mat.buffer);
  const dims = 128 + 8 + 16;
  view.setUint32(dims, 9, true);
  view.setUint32(dims + 4, 8, true);
  view.setFloat64(dims + 8, 1.5, true);
  return mat;
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** The PNG with its IHDR width and height replaced (CRC fixed, so only the sizes are hostile). */
function pngWithSize(png: Uint8Array): (width: number, height: number) => Uint8Array {
  return (width, height) => {
    const out = png.slice();
    const view = new DataView(out.buffer);
    view.setUint32(16, width, false);
    view.setUint32(20, height, false);
    view.setUint32(29, crc32(out.subarray(12, 29)), false);
    return out;
  };
}

/** The JPEG with its first SOF frame's height and width replaced. */
function jpegWithSize(jpeg: Uint8Array): (width: number, height: number) => Uint8Array {
  return (width, height) => {
    const out = jpeg.slice();
    const view = new DataView(out.buffer);
    for (let at = 2; at + 9 < out.length; ) {
      const marker = out[at + 1]!;
      if (marker >= 0xc0 && marker <= 0xc3) {
        view.setUint16(at + 5, height, false);
        view.setUint16(at + 7, width, false);
        break;
      }
      at += 2 + view.getUint16(at + 2, false);
    }
    return out;
  };
}

/** The ONNX bytes with the contract's input name replaced by one of the same length. */
function renameInput(onnx: Uint8Array): Uint8Array {
  const out = onnx.slice();
  const name = Buffer.from('image');
  let at = Buffer.from(out).indexOf(name);
  while (at >= 0) {
    out.set(Buffer.from('imagf'), at);
    at = Buffer.from(out).indexOf(name, at + 1);
  }
  return out;
}

/** Random mutations of each format's files, `perTarget` of each, seeded. */
function mutations(b: Bases, random: Random, perTarget: number): Omit<FuzzCase, 'id'>[] {
  const out: Omit<FuzzCase, 'id'>[] = [];
  const zip = zipSync(b.zip, { mtime: new Date(1980, 0, 1) });
  const sources: [Target, (bytes: Uint8Array) => Record<string, CaseFile>, () => Uint8Array][] = [
    ['letters-sample', (bytes) => ({ [SAMPLE_IMAGES]: bytes, [SAMPLE_LABELS]: b.labelsIdx }), () => b.imagesIdx],
    ['letters-sample', (bytes) => ({ [SAMPLE_IMAGES]: new Uint8Array(gzipSync(bytes)), [SAMPLE_LABELS]: b.labelsIdx }), () => encodeIdxImages({ images: new Uint8Array(520 * 784), count: 520, height: 28, width: 28 })],
    ['emnist-zip', (bytes) => ({ 'gzip.zip': bytes }), () => zip],
    ['npz', (bytes) => ({ [NPZ]: bytes }), () => b.npz],
    ['mat', (bytes) => ({ [MAT]: bytes }), () => b.mat],
    ['png', (bytes) => ({ 'x.png': bytes }), () => b.png],
    ['jpeg', (bytes) => ({ 'x.jpg': bytes }), () => b.jpeg],
    ['onnx', (bytes) => ({ [ONNX]: bytes }), () => b.onnx],
    ['model', (bytes) => ({ [`${MODEL_DIR}/model.json`]: bytes, [`${MODEL_DIR}/weights.bin`]: b.model.weights }), () => new TextEncoder().encode(b.model.json)],
    ['model', (bytes) => ({ [`${MODEL_DIR}/model.json`]: new TextEncoder().encode(b.model.json), [`${MODEL_DIR}/weights.bin`]: bytes }), () => b.model.weights],
  ];
  for (const [target, files, base] of sources) {
    for (let i = 0; i < perTarget; i++) {
      const { bytes, what } = mutate(base(), random);
      out.push({ target, what: `random mutation: ${what}`, files: files(bytes), invalid: false });
    }
  }
  return out;
}

/** Every case: the structural ones, then `perTarget` random mutations per source file, numbered. */
export function generateCases(bases: Bases, seed: number, perTarget: number): FuzzCase[] {
  const random = createRandom(seed);
  return [...structural(bases), ...mutations(bases, random, perTarget)].map((c, i) => ({ ...c, id: `${String(i).padStart(3, '0')}-${c.target}` }));
}

/** Writes a case's files under `dir` (FIFOs with mkfifo, symlinks as given). */
export function writeCase(c: FuzzCase, dir: string): void {
  for (const [path, file] of Object.entries(c.files)) {
    const full = join(dir, path);
    mkdirSync(join(full, '..'), { recursive: true });
    if (file instanceof Uint8Array) writeFileSync(full, file);
    else if ('symlink' in file) symlinkSync(file.symlink, full);
    else if ('fifo' in file) execFileSync('mkfifo', [full]);
    else mkdirSync(full, { recursive: true });
  }
}

/** sha256 of every regular file under `dir` (symlinks by target, FIFOs by kind), to prove inputs unchanged. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub))) {
      const rel = join(sub, name);
      const stats = lstatSync(join(dir, rel));
      if (stats.isDirectory()) walk(rel);
      else if (stats.isFile()) out[rel] = createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex');
      else out[rel] = stats.isSymbolicLink() ? 'symlink' : 'special';
    }
  };
  walk('');
  return out;
}
