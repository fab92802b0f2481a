import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/data/random.ts';
import { augmentBatch, randomAffine, warpImage, type AugmentationConfig } from '../../src/fit/augment.ts';
import { syntheticSet } from './synthetic.ts';

const set = syntheticSet(16, 1);
const config: AugmentationConfig = { rotation: 10, shift: 0.1, zoom: 0.1, shear: 10 };

describe('augmentation', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const run = (seed: number) => augmentBatch(set.images, set.count, 28, 28, config, createRandom(seed));
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('with all ranges zero, only rescales uint8 to [0, 1]', () => {
    const out = augmentBatch(set.images, set.count, 28, 28, { rotation: 0, shift: 0, zoom: 0, shear: 0 }, createRandom(1));
    const maxError = out.reduce((max, v, i) => Math.max(max, Math.abs(v - set.images[i] / 255)), 0);
    expect(maxError).toBeLessThan(1e-6);
  });

  it('takes float batches in [0, 1] as well as uint8', () => {
    const floats = Float32Array.from(set.images, (p) => p / 255);
    const fromUint8 = augmentBatch(set.images, set.count, 28, 28, config, createRandom(9));
    const fromFloat = augmentBatch(floats, set.count, 28, 28, config, createRandom(9));
    fromFloat.forEach((v, i) => expect(v).toBeCloseTo(fromUint8[i], 5));
  });

  it('shifts by whole pixels exactly', () => {
    const source = set.images.subarray(0, 28 * 28);
    const out = new Float32Array(28 * 28);
    // Inverse map: output (x, y) samples source (x - 2, y + 1): a shift right by 2 and up by 1.
    warpImage(source, out, 28, 28, [1, 0, -2, 0, 1, 1], 1);
    for (let y = 0; y < 27; y++) for (let x = 2; x < 28; x++) expect(out[y * 28 + x]).toBe(source[(y + 1) * 28 + x - 2]);
    expect(out[0]).toBe(0);
  });

  it('keeps most of the ink inside the image for moderate warps', () => {
    const out = augmentBatch(set.images, set.count, 28, 28, config, createRandom(5));
    const ink = (pixels: ArrayLike<number>, scale: number) => Array.from(pixels).reduce((a, b) => a + b * scale, 0);
    const ratio = ink(out, 1) / ink(set.images, 1 / 255);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });

  it('draws rotations within the configured range', () => {
    const random = createRandom(2);
    for (let i = 0; i < 50; i++) {
      const [a, b] = randomAffine({ rotation: 15, shift: 0, zoom: 0, shear: 0 }, random, 28, 28);
      // Pure rotation: the inverse's first row is (cos, sin) of the angle.
      expect(Math.abs((Math.atan2(b, a) * 180) / Math.PI)).toBeLessThanOrEqual(15 + 1e-9);
    }
  });
});
