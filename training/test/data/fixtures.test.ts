import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { generateFixtures } from '../../src/data/fixtures/generate.ts';
import { FIXTURE_FILES } from '../../src/data/fixtures/layout.ts';
import { decodeIdxImages, decodeIdxLabels } from '../../src/data/formats/idx.ts';
import { decodeNpz } from '../../src/data/formats/npz.ts';
import { findLeakage } from '../../src/data/leakage.ts';
import type { ImageSet } from '../../src/data/types.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';

const fixtures = inject('fixtures');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function readLetters(split: 'train' | 'test'): Promise<ImageSet> {
  const images = decodeIdxImages(await readFile(join(fixtures, FIXTURE_FILES[`${split}Images`])), split);
  const labels = decodeIdxLabels(await readFile(join(fixtures, FIXTURE_FILES[`${split}Labels`])), split);
  return { ...images, labels, numClasses: 27, classNames: [] };
}

function perClass(labels: Uint8Array): number[] {
  const counts = new Array<number>(27).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

describe('npm run fixtures', () => {
  let regenerated: string;
  beforeAll(async () => {
    regenerated = tempDir('fixtures');
    await generateFixtures(regenerated);
  });

  test('regenerates the committed fixtures byte for byte', async () => {
    const files = await listFiles(regenerated);
    expect(await listFiles(fixtures)).toEqual(files);
    for (const file of files) {
      const [committed, fresh] = await Promise.all([readFile(join(fixtures, file)), readFile(join(regenerated, file))]);
      expect(fresh.equals(committed), `${file} differs from a fresh generation: run npm run fixtures`).toBe(true);
    }
  });

  test('no file is named like the official data', async () => {
    for (const file of await listFiles(regenerated)) expect(file).not.toMatch(/idx[13]-ubyte|binaryalphadig|emnist-/);
  });
});

describe('synthetic EMNIST Letters', () => {
  test('2,600 train and 780 test images, 28x28, balanced over labels 1-26', async () => {
    const [train, test] = [await readLetters('train'), await readLetters('test')];
    expect([train.count, train.height, train.width]).toEqual([2600, 28, 28]);
    expect(test.count).toBe(780);
    expect(perClass(train.labels)).toEqual([0, ...new Array<number>(26).fill(100)]);
    expect(perClass(test.labels)).toEqual([0, ...new Array<number>(26).fill(30)]);
  });

  test('stored transposed like NIST: read upright, T has its bar at the top and L its foot at the bottom', async () => {
    const train = await readLetters('train');
    // Mean ink of rows 3-8 (top) and 19-24 (bottom) over all images of a letter.
    const band = (label: number, from: number, to: number) => {
      let sum = 0;
      for (let n = 0; n < train.count; n++) {
        if (train.labels[n] !== label) continue;
        for (let row = from; row <= to; row++) for (let col = 0; col < 28; col++) sum += train.images[n * 784 + row * 28 + col];
      }
      return sum;
    };
    const [T, L] = [20, 12];
    expect(band(T, 3, 8)).toBeGreaterThan(1.5 * band(T, 19, 24));
    expect(band(L, 19, 24)).toBeGreaterThan(1.2 * band(L, 3, 8));
  });

  test('the mapping file maps labels to letters like the official one', async () => {
    const lines = (await readFile(join(fixtures, FIXTURE_FILES.mapping), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(26);
    expect([lines[0], lines[25]]).toEqual(['1 65 97', '26 90 122']);
  });

  test('no image is shared between train and test', async () => {
    expect(findLeakage({ train: await readLetters('train'), test: await readLetters('test') }).leaked).toBe(0);
  });

  test('recognisable: 1-nearest-neighbour on 14x14 pixels gets at least 85% of the test set (chance: 4%)', async () => {
    const [train, test] = [await readLetters('train'), await readLetters('test')];
    const downsample = (set: ImageSet) => {
      const out = new Float32Array(set.count * 196);
      for (let n = 0; n < set.count; n++) {
        for (let p = 0; p < 784; p++) out[n * 196 + (Math.floor(p / 56) * 14 + Math.floor((p % 28) / 2))] += set.images[n * 784 + p] / 1020;
      }
      return out;
    };
    const [a, b] = [downsample(train), downsample(test)];
    let correct = 0;
    for (let i = 0; i < test.count; i++) {
      let best = Infinity;
      let label = 0;
      for (let j = 0; j < train.count; j++) {
        let d = 0;
        for (let p = 0; p < 196; p++) d += (b[i * 196 + p] - a[j * 196 + p]) ** 2;
        if (d < best) [best, label] = [d, train.labels[j]];
      }
      if (label === test.labels[i]) correct++;
    }
    expect(correct / test.count).toBeGreaterThanOrEqual(0.85);
  });
});

describe('synthetic Binary AlphaDigits npz', () => {
  test('images uint8 (1014, 20, 16) of 0/1 with ink, labels 1-26 in class order, 39 each', async () => {
    const arrays = await decodeNpz(await readFile(join(fixtures, FIXTURE_FILES.alphaDigits)), 'npz');
    const images = arrays.get('images');
    const labels = arrays.get('labels');
    expect(images?.dtype).toBe('u1');
    expect(images?.shape).toEqual([1014, 20, 16]);
    expect(new Set(images?.data)).toEqual(new Set([0, 1]));
    expect(labels?.dtype).toBe('u1');
    expect(Array.from(labels?.data ?? [])).toEqual(Array.from({ length: 1014 }, (_, i) => 1 + Math.floor(i / 39)));
    // Every image has a letter's worth of ink: between 6% and 60% of its pixels.
    for (let n = 0; n < 1014; n++) {
      const ink = (images?.data as Uint8Array).subarray(n * 320, (n + 1) * 320).reduce((a, b) => a + b, 0);
      expect(ink).toBeGreaterThan(20);
      expect(ink).toBeLessThan(192);
    }
  });
});

describe('image files for scoring', () => {
  test('each file in the manifest decodes to its stated size, format and ink polarity', async () => {
    const manifest = JSON.parse(await readFile(join(fixtures, FIXTURE_FILES.imagesManifest), 'utf8')) as {
      file: string;
      label: string;
      ink: string;
      width: number;
      height: number;
    }[];
    expect(manifest.length).toBeGreaterThanOrEqual(6);
    expect(new Set(manifest.map((m) => m.ink))).toEqual(new Set(['light-on-dark', 'dark-on-light', 'dark-on-transparent']));
    for (const item of manifest) {
      const image = sharp(join(fixtures, item.file));
      const meta = await image.metadata();
      expect([meta.width, meta.height, meta.format]).toEqual([item.width, item.height, item.file.endsWith('.jpg') ? 'jpeg' : 'png']);
      const { channels } = await image.stats();
      const mean = channels[0].mean;
      if (item.ink === 'light-on-dark') expect(mean).toBeLessThan(100);
      if (item.ink === 'dark-on-light') expect(mean).toBeGreaterThan(150);
      if (item.ink === 'dark-on-transparent') expect(meta.hasAlpha).toBe(true);
    }
  });
});
