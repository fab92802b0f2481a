/**
 * Every kind of bad input gives one LettersError naming the file and the problem: through the API,
 * and for a few cases through the real `letters` CLI (exit code, one line on stderr, no stack).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, inject, test } from 'vitest';
import { LettersError } from '@letters/contract';
import {
  decodeBinaryAlphaDigitsNpz,
  decodeIdxImages,
  decodeIdxLabels,
  encodeIdxImages,
  encodeIdxLabels,
  encodeNpz,
  fetchEmnist,
  loadDataset,
  readEmnist,
} from '../../src/data/index.ts';
import { letters as run } from '../../../test-support/letters-cli.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { matFile } from './formats-mat-bytes.ts';

const shared = inject('sharedData');
const sampleName = (kind: string) => `emnist-letters-train-sample-${kind}-ubyte.gz`;
const sample = (kind: string) => new Uint8Array(readFileSync(join(shared, 'emnist-letters', sampleName(kind))));

/** A data dir holding a Letters train sample whose images and/or labels are replaced. */
function sampleDir(replace: { images?: Uint8Array; labels?: Uint8Array }): string {
  const dir = tempDir('bad');
  writeFileSync(join(dir, sampleName('images-idx3')), replace.images ?? sample('images-idx3'));
  writeFileSync(join(dir, sampleName('labels-idx1')), replace.labels ?? sample('labels-idx1'));
  return dir;
}

async function loadError(run: () => Promise<unknown>): Promise<LettersError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LettersError);
  const message = (error as LettersError).message;
  expect(message.includes('\n'), message).toBe(false);
  return error as LettersError;
}

describe('IDX files', () => {
  test('truncated gzip', async () => {
    const images = sample('images-idx3');
    const dir = sampleDir({ images: images.subarray(0, images.length >> 1) });
    const error = await loadError(() => readEmnist(dir, 'letters', 'train-sample'));
    expect(error.message).toMatch(new RegExp(`^${join(dir, sampleName('images-idx3'))}: corrupt or truncated gzip data .*letters data fetch`));
  });

  test('corrupt gzip (damaged deflate stream or CRC)', async () => {
    const labels = sample('labels-idx1').slice();
    labels.fill(0x55, 200, 260);
    const dir = sampleDir({ labels });
    const error = await loadError(() => readEmnist(dir, 'letters', 'train-sample'));
    expect(error.message).toMatch(new RegExp(`^${join(dir, sampleName('labels-idx1'))}: corrupt or truncated gzip data`));
  });

  test('wrong magic number, unsupported element type, wrong number of dimensions', () => {
    expect(() => decodeIdxImages(new TextEncoder().encode('<html>not found</html>'), 'page.gz')).toThrow(
      /^page\.gz: not an IDX file \(bad magic number 0x3c68746d\)/,
    );
    expect(() => decodeIdxImages(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), 'floats')).toThrow(/^floats: IDX element type 0xd is not supported/);
    const labels = encodeIdxLabels(Uint8Array.from([1, 2]));
    expect(() => decodeIdxImages(labels, 'labels-as-images')).toThrow(/^labels-as-images: expected an IDX images file \(3 dimensions\), found 1/);
    expect(() => decodeIdxLabels(encodeIdxImages({ images: new Uint8Array(4), count: 1, height: 2, width: 2 }), 'images-as-labels')).toThrow(
      /expected an IDX labels file \(1 dimension\), found 3/,
    );
  });

  test('data shorter or longer than the header says', () => {
    const file = encodeIdxImages({ images: new Uint8Array(2 * 784), count: 2, height: 28, width: 28 });
    expect(() => decodeIdxImages(file.subarray(0, file.length - 1), 'short')).toThrow(
      /^short: IDX data is 1567 bytes but the header \(2x28x28\) says 1568; the file is truncated/,
    );
    expect(() => decodeIdxImages(gzipSync(Buffer.concat([file, Buffer.from([1])])), 'long.gz')).toThrow(/^long\.gz: .* the file is corrupt/);
  });

  test('image/label count mismatch', async () => {
    const dir = sampleDir({ labels: encodeIdxLabels(new Uint8Array(100).fill(1), { gzip: true }) });
    const error = await loadError(() => readEmnist(dir, 'letters', 'train-sample'));
    expect(error.message).toBe(
      `${join(dir, sampleName('labels-idx1'))}: 100 labels for 3536 images in ${join(dir, sampleName('images-idx3'))}; the two files must come from the same split`,
    );
  });

  test('labels out of range: 0 and 27 are not Letters classes', async () => {
    for (const bad of [0, 27]) {
      const labels = new Uint8Array(3536).fill(5);
      labels[42] = bad;
      const dir = sampleDir({ labels: encodeIdxLabels(labels, { gzip: true }) });
      const error = await loadError(() => readEmnist(dir, 'letters', 'train-sample'));
      expect(error.message).toMatch(new RegExp(`^${join(dir, sampleName('labels-idx1'))}: label ${bad} at index 42 is outside 1-26`));
    }
  });
});

describe('npz files', () => {
  const images = { dtype: 'u1', shape: [2, 20, 16], data: new Uint8Array(640) } as const;
  const labels = { dtype: 'u1', shape: [2], data: Uint8Array.from([1, 2]) } as const;

  test('a valid file passes (the cases below differ in one thing)', async () => {
    expect((await decodeBinaryAlphaDigitsNpz(encodeNpz({ images, labels }), 'ok.npz')).count).toBe(2);
  });

  test('lacking an array', async () => {
    await expect(decodeBinaryAlphaDigitsNpz(encodeNpz({ images }), 'x.npz')).rejects.toThrow(
      /^x\.npz: expected arrays 'images' and 'labels', it has images; is it the Binary AlphaDigits npz\?/,
    );
  });

  test('wrong dtype or shape', async () => {
    const cases = [
      [{ images: { dtype: 'f4', shape: [2, 20, 16], data: new Float32Array(640) }, labels }, /'images' must be uint8 of shape \(N, 20, 16\), found f4 \(2, 20, 16\)/],
      [{ images: { dtype: 'u1', shape: [1, 28, 28], data: new Uint8Array(784) }, labels }, /found u1 \(1, 28, 28\)/],
      [{ images, labels: { dtype: 'u1', shape: [3], data: Uint8Array.from([1, 2, 3]) } }, /'labels' must be uint8 of shape \(2,\) like 'images', found u1 \(3\)/],
      [{ images, labels: { dtype: 'i4', shape: [2], data: Int32Array.from([1, 2]) } }, /'labels' must be uint8 .* found i4 \(2\)/],
    ] as const;
    for (const [arrays, message] of cases) {
      await expect(decodeBinaryAlphaDigitsNpz(encodeNpz(arrays), 'bad.npz')).rejects.toThrow(LettersError);
      await expect(decodeBinaryAlphaDigitsNpz(encodeNpz(arrays), 'bad.npz')).rejects.toThrow(message);
    }
  });

  test('labels out of range, pixels not 0/1, not a zip at all', async () => {
    const zeroLabel = { dtype: 'u1', shape: [2], data: Uint8Array.from([1, 0]) } as const;
    await expect(decodeBinaryAlphaDigitsNpz(encodeNpz({ images, labels: zeroLabel }), 'l.npz')).rejects.toThrow(/^l\.npz: label 0 at index 1 is outside 1-26/);
    const grey = { ...images, data: new Uint8Array(640).fill(128) };
    await expect(decodeBinaryAlphaDigitsNpz(encodeNpz({ images: grey, labels }), 'g.npz')).rejects.toThrow(/^g\.npz: pixel value 128 in image 0/);
    await expect(decodeBinaryAlphaDigitsNpz(new Uint8Array(50), 'z.npz')).rejects.toThrow(/^z\.npz: not a valid \.npz \(zip\) file/);
  });
});

describe('zip archives', () => {
  test('gzip.zip without the expected members', async () => {
    const dir = tempDir('bad');
    writeFileSync(join(dir, 'gzip.zip'), zipSync({ 'gzip/emnist-digits-train-images-idx3-ubyte.gz': new Uint8Array(4) }));
    const error = await loadError(() => readEmnist(dir, 'letters', 'train'));
    expect(error.message).toBe(`${join(dir, 'gzip.zip')}: the archive has no member gzip/emnist-letters-train-images-idx3-ubyte.gz; is it the official EMNIST gzip.zip?`);
    const fetchError = await loadError(() => fetchEmnist({ dataDir: join(dir, 'data'), from: join(dir, 'gzip.zip'), quiet: true }));
    expect(fetchError.message).toMatch(/gzip\.zip: the archive lacks gzip\/emnist-letters-train-images-idx3-ubyte\.gz, .*not the official EMNIST gzip\.zip/);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  test('a truncated archive', async () => {
    const dir = tempDir('bad');
    const whole = zipSync({ 'gzip/emnist-letters-train-images-idx3-ubyte.gz': sample('images-idx3') });
    writeFileSync(join(dir, 'gzip.zip'), whole.subarray(0, whole.length - 100));
    const error = await loadError(() => readEmnist(dir, 'letters', 'train'));
    expect(error.message).toMatch(/gzip\.zip: not a valid zip archive \(End of central directory record signature not found\. Either not a zip file, or file is truncated\.\)/);
  });
});

describe('through the letters CLI', () => {
  const letters = (...args: string[]) => run(args, { env: { ...process.env, LETTERS_DATA_DIR: '' } });
  function expectOneLineError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
    expect(result.stderr).toMatch(/^letters: /);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }

  test('a truncated gzip, a .mat of another layout, a zip without the Letters members', async () => {
    const images = sample('images-idx3');
    const truncated = sampleDir({ images: images.subarray(0, 1000) });
    const out = join(tempDir('bad'), 'inspect');
    expectOneLineError(
      await letters('data', 'inspect', '--dataset', 'letters-sample', '--data-dir', truncated, '--out', out),
      new RegExp(`${sampleName('images-idx3')}: corrupt or truncated gzip data`),
    );
    expect(existsSync(out)).toBe(false);

    const matDir = tempDir('bad');
    mkdirSync(join(matDir, 'binaryalphadigits'));
    writeFileSync(join(matDir, 'binaryalphadigits', 'binaryalphadigs.mat'), matFile({ dat: { class: 'double', dims: [36, 39], data: new Array(36 * 39).fill(0) } }));
    expectOneLineError(
      await letters('data', 'inspect', '--dataset', 'binaryalphadigits-mat', '--data-dir', matDir, '--out', out),
      /binaryalphadigs\.mat: 'dat' is a 36x39 double; expected a 'dat' variable: 36x39 cell of 20x16 arrays/,
    );

    const zipDir = tempDir('bad');
    writeFileSync(join(zipDir, 'gzip.zip'), zipSync({ 'readme.txt': new Uint8Array(1) }));
    const dataDir = join(tempDir('bad'), 'data');
    expectOneLineError(await letters('data', 'fetch', '--from', zipDir, '--data-dir', dataDir), /gzip\.zip: the archive lacks gzip\/emnist-letters-train/);
    expect(existsSync(dataDir)).toBe(false);
  });

  test('offline fetch fails fast naming the URL, --from and --data-dir; a missing dataset says what to do', async () => {
    const dataDir = join(tempDir('bad'), 'data');
    expectOneLineError(await letters('data', 'fetch', '--data-dir', dataDir), /cannot download https:\/\/biometrics\.nist\.gov\/cs_links\/EMNIST\/gzip\.zip .*--from DIR.*--data-dir/);
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
    expectOneLineError(
      await letters('data', 'inspect', '--dataset', 'emnist-letters', '--data-dir', dataDir),
      /EMNIST letters train not found: looked for emnist-letters-train-images-idx3-ubyte\.gz or gzip\.zip in .*letters data fetch.*--data-dir/,
    );
  });
});

test('loadDataset passes file errors through unchanged', async () => {
  const dir = sampleDir({ labels: encodeIdxLabels(new Uint8Array(3536), { gzip: true }) });
  await expect(loadDataset('letters-sample', { dataDir: dir })).rejects.toThrow(/label 0 at index 0 is outside 1-26/);
});
