import { createRandom } from '../../src/data/random.ts';
import type { ImageSet } from '../../src/data/types.ts';

/**
 * A small learnable set: class k (1..classes) is a bar of ink at a class-specific position and
 * orientation, jittered by a pixel and with speckle noise. Quick to learn, not trivially separable
 * by one pixel.
 */
export function syntheticSet(count: number, seed: number, classes = 4, size = 28): ImageSet {
  const random = createRandom(seed);
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = 1 + (i % classes);
    labels[i] = label;
    const image = images.subarray(i * size * size, (i + 1) * size * size);
    const offset = 6 + 4 * Math.floor((label - 1) / 2) + random.int(3) - 1;
    const vertical = label % 2 === 0;
    for (let a = 4; a < size - 4; a++) {
      for (let w = 0; w < 3; w++) {
        const [y, x] = vertical ? [a, offset + w] : [offset + w, a];
        image[y * size + x] = 255;
      }
    }
    for (let n = 0; n < 20; n++) image[random.int(size * size)] = random.int(256);
  }
  const classNames = ['', ...Array.from({ length: classes }, (_, k) => String.fromCharCode(65 + k))];
  return { images, labels, count, height: size, width: size, numClasses: classes + 1, classNames };
}
