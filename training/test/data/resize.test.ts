import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import { LettersError } from '../../src/common/index.ts';
import { padGeometry, resizeImageFileWithPad, resizeImageSetWithPad, resizeWithPad } from '../../src/data/resize.ts';
import { createRandom } from '../../src/data/random.ts';
import type { ImageSet } from '../../src/data/types.ts';

/** A 20x16 Binary-AlphaDigits-like image: 0/1 blobs scaled to 0/255. */
function randomImage(height: number, width: number, seed: number): Uint8Array {
  const random = createRandom(seed);
  return Uint8Array.from({ length: height * width }, () => (random.next() < 0.4 ? 255 : random.int(40)));
}

/** `tf.image.resize_with_pad` spelled out with tfjs ops: bilinear (half-pixel centres) then zero padding. */
function tfjsResizeWithPad(image: Uint8Array, height: number, width: number, targetHeight: number, targetWidth: number) {
  const g = padGeometry(height, width, targetHeight, targetWidth);
  return tf.tidy(() => {
    const input = tf.tensor3d(Float32Array.from(image), [height, width, 1]);
    const resized = tf.image.resizeBilinear(input, [g.resizedHeight, g.resizedWidth], false, true);
    const padded = tf.pad(resized, [
      [g.top, targetHeight - g.resizedHeight - g.top],
      [g.left, targetWidth - g.resizedWidth - g.left],
      [0, 0],
    ]);
    return padded.dataSync() as Float32Array;
  });
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('padGeometry', () => {
  test('20x16 -> 28x28 is 28x22 with 2 columns of padding on the left and 4 on the right, as TensorFlow computes', () => {
    expect(padGeometry(20, 16, 28, 28)).toEqual({ resizedHeight: 28, resizedWidth: 22, top: 0, left: 2 });
  });
  test('a wide image is padded above and below', () => {
    expect(padGeometry(10, 40, 28, 28)).toEqual({ resizedHeight: 7, resizedWidth: 28, top: 10, left: 0 });
  });
  test('a same-sized image is unchanged', () => {
    const image = randomImage(28, 28, 3);
    expect(Array.from(resizeWithPad(image, 28, 28, 28, 28))).toEqual(Array.from(image));
  });
});

describe('resizeWithPad agrees with tfjs resizeBilinear + pad', () => {
  // resizeWithPad rounds to float32 at each step as TensorFlow's kernel does; tfjs's CPU kernel
  // computes in float64. Max |difference| on the 0-255 scale over 20 random images per shape
  // (measured: 20x16 3.7e-4, 16x20 3.5e-4, 45x30 7.6e-4, 7x9 1.1e-4, 100x61 1.2e-3).
  test.each([
    [20, 16],
    [16, 20],
    [45, 30],
    [7, 9],
    [100, 61],
  ])('%ix%i -> 28x28: max pixel difference below 2e-3 (of 255)', (height, width) => {
    let max = 0;
    for (let seed = 0; seed < 20; seed++) {
      const image = randomImage(height, width, seed);
      max = Math.max(max, maxDifference(resizeWithPad(image, height, width, 28, 28), tfjsResizeWithPad(image, height, width, 28, 28)));
    }
    expect(max).toBeLessThan(2e-3);
  });
});

describe('resizeImageFileWithPad (sharp) agrees with the pure version', () => {
  // sharp returns uint8, so rounding alone accounts for 0.5; libvips's fixed-point bilinear adds a
  // little (measured: 0.59-0.61 of 255 on these shapes; at most 1 grey level after rounding both).
  test.each([
    [20, 16],
    [16, 20],
    [45, 30],
    [7, 9],
  ])('%ix%i raw -> 28x28: max pixel difference below 1 (of 255)', async (height, width) => {
    let max = 0;
    for (let seed = 0; seed < 20; seed++) {
      const pixels = randomImage(height, width, seed);
      const viaSharp = await resizeImageFileWithPad({ pixels, height, width }, 28, 28);
      max = Math.max(max, maxDifference(viaSharp, resizeWithPad(pixels, height, width, 28, 28)));
    }
    expect(max).toBeLessThan(1);
  });

  test('a dark-on-light PNG file, inverted, matches the pure version of the inverted pixels', async () => {
    const pixels = randomImage(20, 16, 7);
    const png = await sharp(pixels.map((v) => 255 - v), { raw: { width: 16, height: 20, channels: 1 } }).png().toBuffer();
    const viaSharp = await resizeImageFileWithPad(new Uint8Array(png), 28, 28, { invert: true });
    expect(maxDifference(viaSharp, resizeWithPad(pixels, 20, 16, 28, 28))).toBeLessThan(1);
  });

  test('bytes that are not an image, or a missing file, give a LettersError naming the problem', async () => {
    await expect(resizeImageFileWithPad(new Uint8Array([1, 2, 3]), 28, 28)).rejects.toThrow(LettersError);
    await expect(resizeImageFileWithPad(new Uint8Array([1, 2, 3]), 28, 28)).rejects.toThrow(/image bytes: cannot read the image/);
    await expect(resizeImageFileWithPad('/nonexistent/letter.png', 28, 28)).rejects.toThrow(/\/nonexistent\/letter.png: cannot read/);
  });
});

describe('resizeImageSetWithPad', () => {
  test('Binary AlphaDigits order: 0/1 scaled to 0/255 first, then resized and rounded to uint8, keeps grey levels', () => {
    const ones = Uint8Array.from(randomImage(20, 16, 1), (v) => (v === 255 ? 1 : 0));
    const scaled = ones.map((v) => v * 255);
    const set: ImageSet = { images: scaled, labels: Uint8Array.of(1), count: 1, height: 20, width: 16, numClasses: 27, classNames: [] };
    const resized = resizeImageSetWithPad(set, 28, 28);
    expect([resized.height, resized.width, resized.images.length]).toEqual([28, 28, 784]);
    expect(Array.from(resized.images)).toEqual(Array.from(resizeWithPad(scaled, 20, 16, 28, 28), (v) => Math.round(v)));
    expect(resized.images.some((v) => v > 0 && v < 255)).toBe(true);
    // The other order loses them: resizing 0/1 and rounding leaves only 0 and 1.
    const wrongOrder = Array.from(resizeWithPad(ones, 20, 16, 28, 28), (v) => Math.round(v));
    expect(new Set(wrongOrder)).toEqual(new Set([0, 1]));
  });
});
