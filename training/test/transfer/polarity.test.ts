import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { decodeNpz } from '../../src/data/formats/npz.ts';
import { loadDataset } from '../../src/data/index.ts';
import { padGeometry } from '../../src/data/resize.ts';
import type { ImageSet } from '../../src/data/types.ts';
import { loadTransferData } from '../../src/transfer/index.ts';

const shared = inject('sharedData');
const npz = join(shared, 'binaryalphadigits', 'binaryalphadigits.npz');

/** Mean pixel value, and the share of ink (> 127) on the outermost ring of pixels. */
function polarity(set: ImageSet): { mean: number; rimInk: number } {
  let sum = 0;
  let rim = 0;
  let rimInk = 0;
  const { height: h, width: w } = set;
  for (let n = 0; n < set.count; n++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = set.images[n * h * w + r * w + c]!;
        sum += v;
        if (r === 0 || c === 0 || r === h - 1 || c === w - 1) {
          rim++;
          if (v > 127) rimInk++;
        }
      }
    }
  }
  return { mean: sum / (set.count * h * w), rimInk: rimInk / rim };
}

describe('input polarity: Binary AlphaDigits ink 1 on 0 is EMNIST white on black once scaled', () => {
  it('keeps the file\'s ink as the high value: pixel 1 becomes 255, pixel 0 stays 0', async () => {
    const raw = (await decodeNpz(await readFile(npz), npz)).get('images')!;
    const { set } = await loadTransferData(npz);
    // Resize-with-pad of 20x16 to 28x28 (bilinear, half-pixel centres) gives 28x22 with 2 columns
    // of padding on the left: an output pixel whose four source neighbours agree keeps their value.
    const g = padGeometry(20, 16, 28, 28);
    const source = (out: number, size: number, resized: number) => {
      const at = Math.max(0, ((out + 0.5) * size) / resized - 0.5);
      return [Math.floor(at), Math.min(size - 1, Math.ceil(at))] as const;
    };
    let compared = 0;
    for (let n = 0; n < 50; n++) {
      for (let y = 0; y < g.resizedHeight; y++) {
        for (let x = 0; x < g.resizedWidth; x++) {
          const [r0, r1] = source(y, 20, g.resizedHeight);
          const [c0, c1] = source(x, 16, g.resizedWidth);
          const neighbours = new Set([r0, r1].flatMap((r) => [c0, c1].map((c) => raw.data[n * 320 + r * 16 + c])));
          if (neighbours.size !== 1) continue;
          const value = set.images[n * 784 + (g.top + y) * 28 + g.left + x];
          expect(value).toBe(neighbours.has(1) ? 255 : 0);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('has the same polarity as EMNIST Letters: dark background, ink the minority, little ink on the rim', async () => {
    const { set: bad } = await loadTransferData(npz);
    const emnist = (await loadDataset('letters-sample', { dataDir: shared })).train;
    for (const set of [bad, emnist]) {
      const { mean, rimInk } = polarity(set);
      expect(mean).toBeLessThan(110);
      // Binary AlphaDigits letters touch their 20x16 box, so some reach the rim; EMNIST's do not.
      expect(rimInk).toBeLessThan(0.25);
    }
    // Inverted images (ink 0 on 255) would fail both checks.
    const inverted = { ...bad, images: bad.images.map((v) => 255 - v) };
    expect(polarity(inverted).mean).toBeGreaterThan(145);
    expect(polarity(inverted).rimInk).toBeGreaterThan(0.75);
  });

  it('reads the .mat release to the same 28x28 images as the .npz', async () => {
    const fromNpz = (await loadTransferData(npz)).set;
    const fromMat = (await loadTransferData(join(shared, 'binaryalphadigits', 'binaryalphadigs.mat'))).set;
    expect(fromMat.count).toBe(fromNpz.count);
    expect(fromMat.labels).toEqual(fromNpz.labels);
    expect(Buffer.from(fromMat.images).equals(Buffer.from(fromNpz.images))).toBe(true);
  });
});
