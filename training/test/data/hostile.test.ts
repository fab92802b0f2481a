/**
 * Hostile data files (issue 13, items 4, 5, 11 and 14): each is refused with one LettersError naming
 * the file and the problem, before its memory is spent. Peak memory of the same kinds of files is
 * measured in child processes by the fuzz suite (cli/test/fuzz).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { LettersError } from '@letters/contract';
import {
  DATA_LIMITS,
  decodeIdx,
  decodeMat,
  decodeNpz,
  encodeIdxImages,
  encodeIdxLabels,
  encodeNpz,
  loadDataset,
  readDataFile,
  withZip,
} from '../../src/data/index.ts';
import { gzipBomb, idxHeader, lyingZip, zipBomb } from '../../../test-support/hostile-files.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { matFile } from './formats-mat-bytes.ts';

async function refusal(run: () => unknown): Promise<string> {
  const error = await (async () => run())().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LettersError);
  const { message } = error as LettersError;
  expect(message.includes('\n'), message).toBe(false);
  return message;
}

describe('zip archives (item 4)', () => {
  test('a member declaring 4 GB is refused before anything is inflated', async () => {
    const path = join(tempDir('hostile'), 'gzip.zip');
    writeFileSync(path, lyingZip('gzip/x.gz', new Uint8Array(100), { declaredSize: 0xfffffff0 }));
    const message = await refusal(() => withZip(path, (zip) => zip.read('gzip/x.gz')));
    expect(message).toBe(`${path} (member gzip/x.gz): the archive declares 4294967280 bytes, more than the limit of ${DATA_LIMITS.maxDecodedBytes} bytes for a member`);
  });

  test('a member inflating past its declared size stops there', async () => {
    const path = join(tempDir('hostile'), 'bomb.zip');
    writeFileSync(path, zipBomb('gzip/x.gz', 16, 1000));
    expect(await refusal(() => withZip(path, (zip) => zip.read('gzip/x.gz')))).toMatch(/^.*bomb\.zip \(member gzip\/x\.gz\): not a valid zip member \(too many bytes in the stream/);
  });

  test('a file name length of 0xFFFF, an unknown method, an encrypted member', async () => {
    const dir = tempDir('hostile');
    const cases = [
      [{ nameLength: 0xffff }, /not a valid zip archive/],
      [{ method: 99 }, /compression method 99 is not supported/],
      [{ flags: 1 }, /encrypted members are not supported/],
    ] as const;
    for (const [i, [lies, expected]] of cases.entries()) {
      const path = join(dir, `${i}.zip`);
      writeFileSync(path, lyingZip('gzip/x.gz', new Uint8Array(100), lies));
      expect(await refusal(() => withZip(path, (zip) => zip.read('gzip/x.gz')))).toMatch(expected);
    }
  });

  test('an npz whose arrays declare more than the limit', async () => {
    const npz = lyingZip('images.npy', new Uint8Array(100), { declaredSize: 0xfffffff0 });
    expect(await refusal(() => decodeNpz(npz, 'big.npz'))).toMatch(/^big\.npz: its arrays declare 4294967280 bytes, more than the limit/);
  });
});

describe('decompression bombs (item 5)', () => {
  test('gzip IDX: output is capped at the size the header declares', async () => {
    const bomb = gzipBomb(idxHeader([10, 28, 28]), 64);
    expect(await refusal(() => decodeIdx(bomb, 'bomb.gz'))).toBe(
      'bomb.gz: gzip data inflates to more than the 7856 bytes its header declares; the file is corrupt or a decompression bomb',
    );
  });

  test('gzip IDX: a header declaring more than the hard limit is refused before inflating', async () => {
    const bomb = gzipBomb(idxHeader([100_000, 1000, 1000]), 1);
    expect(await refusal(() => decodeIdx(bomb, 'huge.gz'))).toMatch(/^huge\.gz: the header declares 100000000016 bytes of gzip data, more than the limit/);
  });

  test('MAT: a compressed element is capped at the size its tag declares', async () => {
    const plain = matFile({ x: { class: 'double', dims: [1, 1], data: [1] } }, { compress: false });
    const element = plain.subarray(128);
    const inflated = new Uint8Array(element.length + 8 * 1024 * 1024);
    inflated.set(element);
    const compressed = deflateSync(inflated);
    const tag = new Uint8Array(8);
    new DataView(tag.buffer).setUint32(0, 15, true);
    new DataView(tag.buffer).setUint32(4, compressed.length, true);
    const mat = new Uint8Array(Buffer.concat([plain.subarray(0, 128), tag, compressed]));
    expect(await refusal(() => decodeMat(mat, 'bomb.mat'))).toMatch(/^bomb\.mat: compressed MAT-file element at byte 128 inflates to more than the \d+ bytes its header declares/);
  });
});

describe('files that are not regular files', () => {
  test('a symlink to /dev/zero, a directory, a FIFO-free check of the size before reading', async () => {
    const dir = tempDir('hostile');
    symlinkSync('/dev/zero', join(dir, 'zero.gz'));
    expect(await refusal(() => readDataFile(join(dir, 'zero.gz')))).toBe(`${join(dir, 'zero.gz')}: not a regular file (a device); point at the data file itself`);
    mkdirSync(join(dir, 'folder.gz'));
    expect(await refusal(() => readDataFile(join(dir, 'folder.gz')))).toMatch(/folder\.gz: not a regular file \(a directory\)/);
    writeFileSync(join(dir, 'big.gz'), new Uint8Array(2000));
    expect(await refusal(() => readDataFile(join(dir, 'big.gz'), 1000))).toMatch(/big\.gz: 2000 bytes, more than the limit of 1000 bytes/);
  });
});

describe('MAT files that broke the reader (item 14)', () => {
  test('a 500,000-character cell, negative dimensions, cells nested 100 deep, offsets past the end', async () => {
    const long = matFile({ dat: { cell: [1, 1], cells: [{ char: 'x'.repeat(500_000) }] } });
    const value = decodeMat(long, 'long.mat').get('dat');
    expect(value?.kind === 'cell' && value.cells[0]!.kind === 'char' && value.cells[0]!.text.length).toBe(500_000);

    const negative = matFile({ dat: { class: 'double', dims: [-8320, 1], data: [] } }, { compress: false });
    expect(await refusal(() => decodeMat(negative, 'neg.mat'))).toMatch(/^neg\.mat: corrupt MAT-file \(array dimensions \[-8320, 1\]/);

    let nested: Parameters<typeof matFile>[0][string] = { class: 'double', dims: [1, 1], data: [1] };
    for (let i = 0; i < 100; i++) nested = { cell: [1, 1], cells: [nested] };
    expect(await refusal(() => decodeMat(matFile({ dat: nested }, { compress: false }), 'deep.mat'))).toMatch(/^deep\.mat: corrupt MAT-file \(cell arrays nested deeper than 16 levels\)/);

    const cut = matFile({ x: { class: 'double', dims: [4, 4], data: Array.from({ length: 16 }, (_, i) => i) } }, { compress: false });
    for (let length = 129; length < cut.length; length += 7) {
      const message = await refusal(() => decodeMat(cut.subarray(0, length), 'cut.mat'));
      expect(message).toMatch(/^cut\.mat: corrupt MAT-file/);
    }
  });
});

describe('datasets refused at load (item 11)', () => {
  function sampleDir(images: Uint8Array, labels: Uint8Array): string {
    const dir = tempDir('hostile');
    writeFileSync(join(dir, 'emnist-letters-train-sample-images-idx3-ubyte'), images);
    writeFileSync(join(dir, 'emnist-letters-train-sample-labels-idx1-ubyte'), labels);
    return dir;
  }

  test('a dataset of one image: the test split would be empty', async () => {
    const dir = sampleDir(encodeIdxImages({ images: new Uint8Array(784), count: 1, height: 28, width: 28 }), encodeIdxLabels(Uint8Array.of(1)));
    expect(await refusal(() => loadDataset('letters-sample', { dataDir: dir }))).toMatch(/emnist-letters-train-sample-labels-idx1-ubyte: the validation split is empty \(1 image in all\)/);
  });

  test('an empty dataset and 784x1 images', async () => {
    const empty = sampleDir(encodeIdxImages({ images: new Uint8Array(0), count: 0, height: 28, width: 28 }), encodeIdxLabels(new Uint8Array(0)));
    expect(await refusal(() => loadDataset('letters-sample', { dataDir: empty }))).toMatch(/the train split is empty \(0 images in all\)/);
    const count = 200;
    const labels = Uint8Array.from({ length: count }, (_, i) => 1 + (i % 26));
    const thin = sampleDir(encodeIdxImages({ images: new Uint8Array(count * 784), count, height: 784, width: 1 }), encodeIdxLabels(labels));
    expect(await refusal(() => loadDataset('letters-sample', { dataDir: thin }))).toMatch(/images-idx3-ubyte, .*: images are 784x1 pixels; letters models take 28x28 images$/);
  });

  test('an npz with no images', async () => {
    const dir = tempDir('hostile');
    mkdirSync(join(dir, 'binaryalphadigits'));
    const npz = encodeNpz({ images: { dtype: 'u1', shape: [0, 20, 16], data: new Uint8Array(0) }, labels: { dtype: 'u1', shape: [0], data: new Uint8Array(0) } });
    writeFileSync(join(dir, 'binaryalphadigits', 'binaryalphadigits.npz'), npz);
    expect(await refusal(() => loadDataset('binaryalphadigits', { dataDir: dir }))).toMatch(/binaryalphadigits\.npz: the train split is empty \(0 images in all\)/);
  });
});
