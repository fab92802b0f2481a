/**
 * Raw pixels as decoders and canvases hand them out. Browser-safe: no Node imports.
 */

/** Interleaved pixels, row-major. `Uint8Array`/`Uint8ClampedArray` hold 0-255, `Float32Array` holds 0-1. */
export interface RawImage {
  readonly data: Uint8Array | Uint8ClampedArray | Float32Array;
  readonly width: number;
  readonly height: number;
  /**
   * 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. Inferred from `data.length / (width * height)` when absent,
   * so a canvas `ImageData` can be passed as it is.
   */
  readonly channels?: 1 | 2 | 3 | 4;
}

/** Images larger than this are refused before any work (about a 8000x8000 photo). */
export const MAX_PIXELS = 64_000_000;

/** An image the preprocessing cannot use: wrong sizes, wrong data length, too many pixels. */
export class PreprocessError extends RangeError {
  override readonly name = 'PreprocessError';
}

/** Checks the sizes and returns the channel count; throws PreprocessError naming the problem. */
export function channelsOf(image: RawImage): 1 | 2 | 3 | 4 {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PreprocessError(`image size ${width}x${height} is not a positive integer size`);
  }
  const pixels = width * height;
  if (pixels > MAX_PIXELS) {
    throw new PreprocessError(`image of ${width}x${height} pixels exceeds the limit of ${MAX_PIXELS} pixels`);
  }
  const channels = image.channels ?? data.length / pixels;
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new PreprocessError(
      `image data has ${data.length} values for ${width}x${height} pixels; expected 1 to 4 channels per pixel`,
    );
  }
  if (data.length !== pixels * channels) {
    throw new PreprocessError(
      `image data has ${data.length} values; ${width}x${height} with ${channels} channels needs ${pixels * channels}`,
    );
  }
  return channels;
}

/** Rec. 601 luma weights, as most decoders and canvas conversions use. */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Luminance in [0, 1] per pixel. Transparent pixels are composited over the shade that contrasts with
 * the visible pixels (white under dark strokes, black under light strokes), so a letter drawn on a
 * transparent canvas keeps its ink whatever its colour.
 */
export function toGray(image: RawImage): Float32Array {
  const channels = channelsOf(image);
  const { data } = image;
  const scale = data instanceof Float32Array ? 1 : 1 / 255;
  const pixels = image.width * image.height;
  const gray = new Float32Array(pixels);
  const alpha = channels === 2 || channels === 4 ? new Float32Array(pixels) : undefined;
  for (let p = 0, i = 0; p < pixels; p++, i += channels) {
    gray[p] =
      channels < 3
        ? data[i] * scale
        : (LUMA[0] * data[i] + LUMA[1] * data[i + 1] + LUMA[2] * data[i + 2]) * scale;
    if (alpha) alpha[p] = data[i + channels - 1] * scale;
  }
  if (!alpha || alpha.every((a) => a >= 1)) return gray;

  let weighted = 0;
  let total = 0;
  for (let p = 0; p < pixels; p++) {
    weighted += alpha[p] * gray[p];
    total += alpha[p];
  }
  const under = total > 0 && weighted / total < 0.5 ? 1 : 0;
  for (let p = 0; p < pixels; p++) gray[p] = alpha[p] * gray[p] + (1 - alpha[p]) * under;
  return gray;
}
