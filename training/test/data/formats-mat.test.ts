import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { LettersError } from '@letters/contract';
import { decodeBinaryAlphaDigitsMat, decodeBinaryAlphaDigitsNpz, decodeMat } from '../../src/data/index.ts';
import { columnMajor, matFile, type MatClass, type MatInput } from './formats-mat-bytes.ts';

const realMat = join(inject('sharedData'), 'binaryalphadigits', 'binaryalphadigs.mat');
const realNpz = join(inject('sharedData'), 'binaryalphadigits', 'binaryalphadigits.npz');

describe('MAT v5 reader', () => {
  test('reads the public binaryalphadigs.mat: dat 36x39 cell of 20x16 uint8, classlabels, numclass', () => {
    const mat = decodeMat(readFileSync(realMat), realMat);
    expect([...mat.keys()]).toEqual(['dat', 'classlabels', 'numclass']);
    const dat = mat.get('dat')!;
    expect(dat.kind === 'cell' && dat.dims).toEqual([36, 39]);
    const first = dat.kind === 'cell' ? dat.cells[0] : undefined;
    expect(first?.kind === 'numeric' && [first.class, first.dims]).toEqual(['uint8', [20, 16]]);
    const labels = mat.get('classlabels')!;
    expect(labels.kind === 'cell' && labels.cells.map((c) => (c.kind === 'char' ? c.text : '?')).join('')).toBe(
      '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    );
    const numclass = mat.get('numclass')!;
    expect(numclass.kind === 'numeric' && Array.from(numclass.data)).toEqual([36]);
  });

  test('`only` skips the other variables', () => {
    expect([...decodeMat(readFileSync(realMat), realMat, { only: ['numclass'] }).keys()]).toEqual(['numclass']);
  });

  test('numeric classes, logical, small elements, compressed or not', () => {
    const values = [0, 1, 2, 3, 4, 5];
    for (const compress of [true, false]) {
      for (const cls of ['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'logical'] satisfies MatClass[]) {
        const data = cls === 'logical' ? values.map((v) => v % 2) : values;
        const mat = decodeMat(matFile({ x: { class: cls, dims: [2, 3], data } }, { compress }), 'x.mat');
        expect(mat.get('x')).toEqual({ kind: 'numeric', class: cls, dims: [2, 3], data: Float64Array.from(data) });
      }
    }
  });

  test('MAT v7.3 (HDF5) and other files are refused with a clear message', () => {
    const hdf5 = matFile({});
    hdf5.set([0x00, 0x02], 124);
    expect(() => decodeMat(hdf5, 'v73.mat')).toThrow(/v73\.mat: MAT-file version 0x200 is not supported/);
    expect(() => decodeMat(new Uint8Array(200), 'zeros.mat')).toThrow(/zeros\.mat: not a MAT v5 file/);
  });
});

describe('Binary AlphaDigits from .mat', () => {
  test('the public .mat and the course .npz give identical arrays', async () => {
    const fromMat = decodeBinaryAlphaDigitsMat(readFileSync(realMat), realMat);
    const fromNpz = await decodeBinaryAlphaDigitsNpz(readFileSync(realNpz), realNpz);
    expect(fromMat.count).toBe(26 * 39);
    expect([fromMat.height, fromMat.width, fromMat.numClasses]).toEqual([20, 16, 27]);
    expect(Buffer.from(fromMat.images).equals(fromNpz.images)).toBe(true);
    expect(Buffer.from(fromMat.labels).equals(fromNpz.labels)).toBe(true);
    expect(new Set(fromMat.images)).toEqual(new Set([0, 255]));
  });

  test('any numeric or logical class of the cells gives the same images', () => {
    // A 36x2 dat whose letter cells hold a different pattern per (letter, example).
    const pattern = (row: number, example: number) => Array.from({ length: 320 }, (_, p) => ((p * (row + 1) + example) % 7 === 0 ? 1 : 0));
    const build = (cls: MatClass): MatInput => ({
      cell: [36, 2],
      // Column-major: example 0 of rows 0-35, then example 1.
      cells: Array.from({ length: 72 }, (_, i) => ({ class: cls, dims: [20, 16], data: columnMajor(pattern(i % 36, Math.floor(i / 36)), 20, 16) })),
    });
    const reference = decodeBinaryAlphaDigitsMat(matFile({ dat: build('uint8') }), 'uint8.mat');
    expect(reference.count).toBe(52);
    expect(Array.from(reference.labels.subarray(0, 4))).toEqual([1, 1, 2, 2]);
    expect(Array.from(reference.images.subarray(0, 320), (v) => v / 255)).toEqual(pattern(10, 0));
    for (const cls of ['double', 'single', 'logical', 'int16'] satisfies MatClass[]) {
      const set = decodeBinaryAlphaDigitsMat(matFile({ dat: build(cls) }, { compress: cls !== 'double' }), `${cls}.mat`);
      expect(Buffer.from(set.images).equals(reference.images), cls).toBe(true);
      expect(Buffer.from(set.labels).equals(reference.labels), cls).toBe(true);
    }
  });

  test('a .mat of another layout is one LettersError naming the file and the expected layout', () => {
    const cases: [string, Record<string, MatInput>, RegExp][] = [
      ['no-dat.mat', { images: { class: 'uint8', dims: [1, 1], data: [0] } }, /no-dat\.mat: no 'dat' variable; expected the Binary AlphaDigits layout/],
      ['dat-matrix.mat', { dat: { class: 'double', dims: [2, 2], data: [0, 0, 0, 0] } }, /dat-matrix\.mat: 'dat' is a 2x2 double; expected a 'dat' variable: 36x39 cell/],
      ['dat-10-rows.mat', { dat: { cell: [10, 1], cells: Array.from({ length: 10 }, () => ({ class: 'uint8', dims: [20, 16], data: new Array(320).fill(0) })) } }, /'dat' is a 10x1 cell/],
      [
        'dat-28x28.mat',
        { dat: { cell: [36, 1], cells: Array.from({ length: 36 }, () => ({ class: 'uint8', dims: [28, 28], data: new Array(784).fill(0) })) } },
        /dat-28x28\.mat: dat\{11,1\} is a 28x28 uint8; expected a 20x16 numeric or logical array/,
      ],
      [
        'grey.mat',
        { dat: { cell: [36, 1], cells: Array.from({ length: 36 }, () => ({ class: 'double', dims: [20, 16], data: new Array(320).fill(0.5) })) } },
        /grey\.mat: pixel value 0.5 in image 0; Binary AlphaDigits pixels are 0 or 1/,
      ],
    ];
    for (const [file, variables, message] of cases) {
      const decode = () => decodeBinaryAlphaDigitsMat(matFile(variables), file);
      expect(decode, file).toThrow(LettersError);
      expect(decode, file).toThrow(message);
    }
  });
});
