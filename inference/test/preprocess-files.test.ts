import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, inject, it } from 'vitest';
import { loadDataset } from '@letters/training';
import { decodeImage } from '@letters/inference';
import { IMAGE_SIZE, INK_BOX, MARGIN, preprocessInto } from '@letters/inference/preprocess';

interface FixtureImage {
  file: string;
  label: string;
  ink: 'light-on-dark' | 'dark-on-light' | 'dark-on-transparent';
}

/** Rows and columns of the 28x28 tensor holding ink. */
function inkExtent(tensor: Float32Array): { rows: [number, number]; cols: [number, number] } {
  const rows: number[] = [];
  const cols: number[] = [];
  tensor.forEach((v, i) => {
    if (v > 0) {
      rows.push(Math.floor(i / IMAGE_SIZE));
      cols.push(i % IMAGE_SIZE);
    }
  });
  return { rows: [Math.min(...rows), Math.max(...rows)], cols: [Math.min(...cols), Math.max(...cols)] };
}

describe('preprocessing of image files', () => {
  it('normalizes every fixture file (sizes, polarities, transparency) to a centred 24-px letter', async () => {
    const dir = inject('fixtures');
    const manifest = JSON.parse(await readFile(join(dir, 'images', 'manifest.json'), 'utf8')) as FixtureImage[];
    expect(manifest.length).toBeGreaterThanOrEqual(5);
    for (const entry of manifest) {
      const tensor = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
      const info = preprocessInto(await decodeImage(join(dir, entry.file)), tensor);
      expect(info.blank, entry.file).toBe(false);
      // Transparent pixels go under dark strokes as white: dark-on-transparent is then dark on light.
      expect(info.inverted, entry.file).toBe(entry.ink !== 'light-on-dark');
      const { rows, cols } = inkExtent(tensor);
      const longer = Math.max(rows[1] - rows[0], cols[1] - cols[0]) + 1;
      expect(longer, entry.file).toBe(INK_BOX);
      for (const [from, to] of [rows, cols]) {
        expect(from, entry.file).toBeGreaterThanOrEqual(MARGIN);
        expect(to, entry.file).toBeLessThanOrEqual(IMAGE_SIZE - 1 - MARGIN);
        // Centred: the margins on both sides differ by at most one pixel.
        expect(Math.abs(from - (IMAGE_SIZE - 1 - to)), entry.file).toBeLessThanOrEqual(1);
      }
      expect(Math.max(...tensor)).toBe(1);
    }
  });

  it('turns EMNIST letters printed dark on white and enlarged back into images close to the originals', async () => {
    const { test } = await loadDataset('letters-sample', { dataDir: inject('sharedData'), limit: 100 });
    let diffSum = 0;
    for (let i = 0; i < test.count; i++) {
      const original = test.images.subarray(i * 784, (i + 1) * 784);
      const printed = await sharp(Buffer.from(original.map((v) => 255 - v)), { raw: { width: 28, height: 28, channels: 1 } })
        .resize(112, 112, { kernel: 'cubic' })
        .png()
        .toBuffer();
      const tensor = new Float32Array(784);
      preprocessInto(await decodeImage(printed), tensor);
      let diff = 0;
      tensor.forEach((v, p) => (diff += Math.abs(v - original[p]! / 255)));
      diffSum += diff / 784;
    }
    const meanAbsDiff = diffSum / test.count;
    expect(meanAbsDiff).toBeLessThan(0.05);
  });
});
