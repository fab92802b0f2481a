import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { imageGrid } from '../../src/charts/image-grid.ts';
import { classCountTable, inspectDataset } from '../../src/data/inspect.ts';
import { readFixtures } from '../../src/data/sources/fixtures.ts';
import type { DatasetSplits, ImageSet } from '../../src/data/types.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';

let dir: string;
beforeAll(() => {
  dir = tempDir('inspect');
});

async function greyPixels(png: Uint8Array) {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('imageGrid', () => {
  // Two 2x3 images: a gradient and its reverse.
  const images = Uint8Array.of(0, 50, 100, 150, 200, 250, 250, 200, 150, 100, 50, 0);

  test('scales each image up with nearest neighbour, pixel for pixel', async () => {
    const grid = await greyPixels(await imageGrid({ images, height: 2, width: 3, columns: 2, scale: 20 }));
    // Cell 0 starts at the gap (6, 6); its image is centred in a cell at least 40 wide (60 here).
    for (const [row, col, value] of [[0, 0, 0], [0, 2, 100], [1, 1, 200], [1, 2, 250]]) {
      const y = 6 + row * 20 + 10;
      const x = 6 + col * 20 + 10;
      expect(grid.data[y * grid.width + x]).toBe(value);
    }
    // Cell 1 starts one cell width (60) and a gap (6) to the right.
    expect(grid.data[(6 + 10) * grid.width + 6 + 66 + 10]).toBe(250);
    expect([grid.width, grid.height]).toEqual([6 + 2 * 66, 6 + 46]);
  });

  test('captions are drawn under the images', async () => {
    const bare = await greyPixels(await imageGrid({ images, height: 2, width: 3, columns: 2, scale: 20 }));
    const captioned = await greyPixels(await imageGrid({ images, height: 2, width: 3, columns: 2, scale: 20, captions: ['A', 'B\nsecond line'] }));
    // Two caption lines of 16 px each make the cells taller; the band under cell 0 has dark text.
    expect(captioned.height).toBe(bare.height + 32);
    let dark = 0;
    for (let y = 46; y < 46 + 16; y++) for (let x = 6; x < 66; x++) if (captioned.data[y * captioned.width + x] < 100) dark++;
    expect(dark).toBeGreaterThan(10);
  });

  test('pixels that are not whole images are an error', async () => {
    await expect(imageGrid({ images: new Uint8Array(7), height: 2, width: 3 })).rejects.toThrow(/whole number/);
  });
});

describe('inspectDataset', () => {
  function set(labels: number[], fill: number): ImageSet {
    return {
      images: new Uint8Array(labels.length * 16).fill(fill),
      labels: Uint8Array.from(labels),
      count: labels.length,
      height: 4,
      width: 4,
      numClasses: 27,
      classNames: ['', 'A', 'B', 'C'],
    };
  }
  const splits: DatasetSplits = {
    train: set([1, 1, 2, 3, 3, 3], 10),
    validation: set([1, 2], 20),
    test: set([3], 30),
    source: { name: 'tiny', description: 'tiny', files: [], hash: '', synthetic: true },
  };

  test('counts every class per split, with totals', async () => {
    const result = await inspectDataset(splits, { out: join(dir, 'tiny.png'), count: 5, seed: 1 });
    expect(result.splits).toEqual(['train', 'validation', 'test']);
    expect(result.classCounts).toEqual([
      { label: 1, name: 'A', perSplit: { train: 2, validation: 1, test: 0 }, total: 3 },
      { label: 2, name: 'B', perSplit: { train: 1, validation: 1, test: 0 }, total: 2 },
      { label: 3, name: 'C', perSplit: { train: 3, validation: 0, test: 1 }, total: 4 },
    ]);
    expect(result.shown).toBe(5);
    const table = classCountTable(result, 'markdown');
    expect(table.split('\n')[0]).toBe('| class | train | validation | test | total |');
    expect(table).toContain('| C | 3 | 0 | 1 | 4 |');
  });

  test('the PNG is the same for the same seed and differs for another seed', async () => {
    const a = await inspectDataset(splits, { out: join(dir, 'a.png'), count: 4, seed: 7 });
    const b = await inspectDataset(splits, { out: join(dir, 'b.png'), count: 4, seed: 7 });
    const c = await inspectDataset(splits, { out: join(dir, 'c.png'), count: 4, seed: 8 });
    const [pa, pb, pc] = await Promise.all([a, b, c].map((r) => readFile(r.png)));
    expect(pa.equals(pb)).toBe(true);
    expect(pa.equals(pc)).toBe(false);
  });

  test('a single ImageSet works too, and count is capped at the set size', async () => {
    const result = await inspectDataset(splits.train, { out: join(dir, 'one.png'), count: 100 });
    expect(result.splits).toEqual(['images']);
    expect(result.shown).toBe(6);
    expect(classCountTable(result)).not.toContain('total');
  });

  test('the fixtures grid has 64 letters in 10 columns of 28x28 scaled 3x', async () => {
    const { train, test } = await readFixtures(inject('fixtures'));
    const result = await inspectDataset({ train, test }, { out: join(dir, 'fixtures.png'), seed: 3 });
    expect(result.shown).toBe(64);
    expect(result.splits).toEqual(['train', 'test']);
    expect(result.classCounts).toHaveLength(26);
    const meta = await sharp(result.png).metadata();
    // 10 columns of 84 px cells with 6 px gaps.
    expect(meta.width).toBe(6 + 10 * 90);
  });
});
