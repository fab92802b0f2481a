/**
 * Area-averaging resampler in plain TypeScript, so Node and browsers compute bit-identical pixels
 * (no canvas or libvips scaling whose filters differ between platforms).
 */

interface Tap {
  /** Output index. */
  readonly out: number;
  /** Source index. */
  readonly src: number;
  /** Fraction of the output pixel covered by the source pixel. */
  readonly weight: number;
}

/**
 * The source pixels each output pixel covers along one axis. Output pixel k covers the source interval
 * [start + k * side / size, start + (k + 1) * side / size); source pixel i covers [i, i + 1).
 * Source pixels outside [0, length) are background (0) and get no tap.
 */
function taps(start: number, side: number, size: number, length: number): Tap[] {
  const step = side / size;
  const result: Tap[] = [];
  for (let k = 0; k < size; k++) {
    const from = start + k * step;
    const to = from + step;
    for (let i = Math.max(0, Math.floor(from)); i < Math.min(length, Math.ceil(to)); i++) {
      const overlap = Math.min(to, i + 1) - Math.max(from, i);
      if (overlap > 0) result.push({ out: k, src: i, weight: overlap / step });
    }
  }
  return result;
}

/**
 * Resamples the square [x0, x0 + side) x [y0, y0 + side) of a `width` x `height` single-channel image
 * into `size` x `size` pixels, each the mean of the source area it covers. Works for shrinking and
 * enlarging; the square may extend past the image, where the background is 0.
 */
export function areaResample(
  src: Float32Array,
  width: number,
  height: number,
  region: { x0: number; y0: number; side: number },
  size: number,
): Float64Array {
  const rows = taps(region.y0, region.side, size, height);
  const cols = taps(region.x0, region.side, size, width);
  const colFrom = cols.length > 0 ? cols[0].src : 0;
  const colTo = cols.length > 0 ? cols[cols.length - 1].src + 1 : 0;

  // Vertical pass: `size` rows of the columns in use; then horizontal pass into the output.
  const vertical = new Float64Array(size * width);
  for (const { out, src: y, weight } of rows) {
    const o = out * width;
    const s = y * width;
    for (let x = colFrom; x < colTo; x++) vertical[o + x] += weight * src[s + x];
  }
  const result = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (const { out, src: x, weight } of cols) result[y * size + out] += weight * vertical[y * width + x];
  }
  return result;
}
