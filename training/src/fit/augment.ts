import type { Random } from '../data/random.ts';

/**
 * On-the-fly data augmentation: each image gets its own random affine warp (rotation, shift, zoom,
 * shear about the centre), drawn from a seeded generator, so the same seed gives the same images.
 * Ranges are symmetric: each parameter is uniform in [-max, max] (zoom: scale in [1 - z, 1 + z]).
 */
export interface AugmentationConfig {
  /** Degrees. */
  readonly rotation: number;
  /** Fraction of the image size, in each direction. */
  readonly shift: number;
  /** Fraction of scale. */
  readonly zoom: number;
  /** Degrees of horizontal shear. */
  readonly shear: number;
}

/** A 2x3 affine map from output pixel coordinates (x = column, y = row) to source coordinates. */
export type InverseAffine = readonly [number, number, number, number, number, number];

/** Draws one image's warp and returns its inverse, which the sampler needs. */
export function randomAffine(config: AugmentationConfig, random: Random, height: number, width: number): InverseAffine {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const theta = radians(random.uniform(-config.rotation, config.rotation));
  const shear = Math.tan(radians(random.uniform(-config.shear, config.shear)));
  const scale = 1 + random.uniform(-config.zoom, config.zoom);
  const tx = random.uniform(-config.shift, config.shift) * width;
  const ty = random.uniform(-config.shift, config.shift) * height;
  // Forward: out = c + t + scale * R(theta) * Shear * (in - c).
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const a = scale * cos;
  const b = scale * (cos * shear - sin);
  const c = scale * sin;
  const d = scale * (sin * shear + cos);
  const det = a * d - b * c;
  const [ia, ib, ic, id] = [d / det, -b / det, -c / det, a / det];
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // Inverse: in = c + M^-1 (out - c - t).
  const ox = cx + tx;
  const oy = cy + ty;
  return [ia, ib, cx - ia * ox - ib * oy, ic, id, cy - ic * ox - id * oy];
}

/**
 * Warps one image into `out` (bilinear, background 0 outside the source), scaling pixels by `scale`
 * (1/255 for uint8 sources, 1 for float sources already in [0, 1]).
 */
export function warpImage(
  source: Uint8Array | Float32Array,
  out: Float32Array,
  height: number,
  width: number,
  inverse: InverseAffine,
  scale: number,
): void {
  const [a, b, c, d, e, f] = inverse;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = a * x + b * y + c;
      const sy = d * x + e * y + f;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const pixel = (px: number, py: number) =>
        px < 0 || py < 0 || px >= width || py >= height ? 0 : source[py * width + px];
      const top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx;
      const bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx;
      out[y * width + x] = (top * (1 - fy) + bottom * fy) * scale;
    }
  }
}

/** Augments a batch of `count` images (uint8 0-255 or float 0-1) into a new float32 batch in [0, 1]. */
export function augmentBatch(
  images: Uint8Array | Float32Array,
  count: number,
  height: number,
  width: number,
  config: AugmentationConfig,
  random: Random,
): Float32Array {
  const size = height * width;
  const out = new Float32Array(count * size);
  const scale = images instanceof Uint8Array ? 1 / 255 : 1;
  for (let i = 0; i < count; i++) {
    warpImage(
      images.subarray(i * size, (i + 1) * size),
      out.subarray(i * size, (i + 1) * size),
      height,
      width,
      randomAffine(config, random, height, width),
      scale,
    );
  }
  return out;
}
