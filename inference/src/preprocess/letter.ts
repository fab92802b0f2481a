import { IMAGE_SIZE } from '@letters/contract';
import { areaResample } from './area-resample.ts';
import { toGray, type RawImage } from './raw-image.ts';

/** Model input side (the ONNX contract's): images are 28 x 28, one channel. */
export { IMAGE_SIZE };
/** The ink's longer side spans this many pixels, like EMNIST Letters (median longer side: 24). */
export const INK_BOX = 24;
/** Background pixels on each side of the ink box: (28 - 24) / 2. */
export const MARGIN = (IMAGE_SIZE - INK_BOX) / 2;
/** A pixel is ink when its contrast-stretched level exceeds this; lower levels are noise for the bounding box. */
export const INK_THRESHOLD = 0.2;
/** Images whose brightest pixel differs from the background by less than this are blank. */
export const MIN_CONTRAST = 0.1;

/**
 * The preprocessing as one line, written into exported ONNX files (`letters.preprocessing`) and shown
 * by the web demo, so a model states which input it expects.
 */
export const PREPROCESSING =
  `letters-v1: Rec.601 grayscale; polarity from the 1-px border mean (light border => inverted); ` +
  `contrast stretch background..max to 0..1; crop to pixels above ${INK_THRESHOLD}; pad to a centred square; ` +
  `area-average into ${INK_BOX}x${INK_BOX} centred in ${IMAGE_SIZE}x${IMAGE_SIZE} (${MARGIN} px margin); ` +
  `scale so the brightest pixel is 1; float32 white ink on black, NHWC [N,28,28,1]`;

/** What the preprocessing saw, for callers that explain their inputs (the demo, `letters score --verbose`). */
export interface PreprocessInfo {
  /** True when the image had dark ink on a light background and was inverted. */
  readonly inverted: boolean;
  /** True when no ink was found; the output is all zeros. */
  readonly blank: boolean;
  /** The ink's bounding box in source pixels (empty when blank). */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

/**
 * Turns any upright image of one letter into the model's 28 x 28 input, as EMNIST built its images:
 *
 * 1. grayscale (Rec. 601 luma; transparency composited over the shade contrasting with the strokes);
 * 2. polarity: the mean of the 1-pixel border is the background; if it is light (> 0.5) the image is
 *    inverted, so ink is always light on dark;
 * 3. contrast stretch: background level -> 0, brightest pixel -> 1, clamped; blank if the contrast < 0.1;
 * 4. crop to the bounding box of pixels above 0.2, padded to a square around its centre;
 * 5. area-average that square into 24 x 24, centred in 28 x 28 (2-pixel margin, EMNIST's border);
 * 6. rescale so the brightest output pixel is 1 (thin strokes stay as bright as EMNIST's).
 *
 * Writes 784 float32 values in [0, 1] at `out[offset...]` and returns what it found.
 * Throws PreprocessError for impossible sizes or data lengths.
 */
export function preprocessInto(image: RawImage, out: Float32Array, offset = 0): PreprocessInfo {
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  if (offset < 0 || offset + pixels > out.length) {
    throw new RangeError(`output has room for ${out.length - offset} values at offset ${offset}, needs ${pixels}`);
  }
  const { width, height } = image;
  const gray = toGray(image);
  out.fill(0, offset, offset + pixels);
  const blank = { inverted: false, blank: true, box: { x: 0, y: 0, width: 0, height: 0 } };

  let border = 0;
  let borderCount = 0;
  for (let y = 0; y < height; y++) {
    const step = y === 0 || y === height - 1 ? 1 : Math.max(1, width - 1);
    for (let x = 0; x < width; x += step) {
      border += gray[y * width + x];
      borderCount++;
    }
  }
  const inverted = border / borderCount > 0.5;
  let background = inverted ? 1 - border / borderCount : border / borderCount;
  let max = 0;
  for (let p = 0; p < gray.length; p++) {
    if (inverted) gray[p] = 1 - gray[p];
    if (gray[p] > max) max = gray[p];
  }
  if (max - background < MIN_CONTRAST) return { ...blank, inverted };
  background = Math.min(background, max);

  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  const range = max - background;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const level = Math.min(1, Math.max(0, (gray[p] - background) / range));
      gray[p] = level;
      if (level > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  const side = Math.max(box.width, box.height);
  const region = { x0: x0 - (side - box.width) / 2, y0: y0 - (side - box.height) / 2, side };
  const ink = areaResample(gray, width, height, region, INK_BOX);

  let peak = 0;
  for (const v of ink) if (v > peak) peak = v;
  const scale = peak > 0 ? 1 / peak : 0;
  for (let y = 0; y < INK_BOX; y++) {
    for (let x = 0; x < INK_BOX; x++) {
      out[offset + (y + MARGIN) * IMAGE_SIZE + x + MARGIN] = Math.min(1, ink[y * INK_BOX + x] * scale);
    }
  }
  return { inverted, blank: false, box };
}

/** `preprocessInto` for one image: a fresh Float32Array of 28 * 28 values. */
export function preprocess(image: RawImage): Float32Array {
  const out = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  preprocessInto(image, out);
  return out;
}
