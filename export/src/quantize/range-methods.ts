/**
 * Calibration methods: the range of an activation to quantize, from what the calibration images
 * produced. min-max keeps every value; percentile and entropy clip rare outliers so that the common
 * values get finer steps.
 */

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'entropy'];

export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

/** Counts of values in equal bins over [low, high]. */
export interface Histogram {
  readonly low: number;
  readonly high: number;
  readonly counts: Float64Array;
}

export function emptyHistogram(low: number, high: number, bins: number): Histogram {
  return { low, high, counts: new Float64Array(bins) };
}

/** Adds values (with `transform`, e.g. Math.abs) to the histogram; values past `high` go to the last bin. */
export function addToHistogram(histogram: Histogram, values: Float32Array, transform: (v: number) => number = (v) => v): void {
  const { low, high, counts } = histogram;
  const bins = counts.length;
  const perUnit = high > low ? bins / (high - low) : 0;
  for (const raw of values) {
    const v = transform(raw);
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - low) * perUnit)))]! += 1;
  }
}

/**
 * The range holding `percentile` % of the values (default 99.999): each tail loses half of the rest.
 * `histogram` spans the observed [min, max] of the values.
 */
export function percentileRange(histogram: Histogram, percentile: number): ValueRange {
  const { low, high, counts } = histogram;
  const total = counts.reduce((a, b) => a + b, 0);
  const tail = (total * (100 - percentile)) / 200;
  const width = (high - low) / counts.length;
  let lowerBin = 0;
  for (let sum = 0; lowerBin < counts.length && sum + counts[lowerBin]! <= tail; lowerBin++) sum += counts[lowerBin]!;
  let upperBin = counts.length - 1;
  for (let sum = 0; upperBin > 0 && sum + counts[upperBin]! <= tail; upperBin--) sum += counts[upperBin]!;
  return { min: low + lowerBin * width, max: low + (upperBin + 1) * width };
}

/**
 * The |value| threshold whose clipped, 128-level quantized distribution is closest to the observed one
 * (least Kullback-Leibler divergence), as TensorRT and onnxruntime's entropy calibration choose it.
 * `histogram` holds |values| over [0, max |value|].
 */
export function entropyThreshold(histogram: Histogram, levels = 128): number {
  const { high } = histogram;
  // ReLU's exact zeros fill the first bin many times over; left as they are they dominate the
  // divergence and pull the threshold far down, so the first bin counts like its neighbour.
  const counts = Float64Array.from(histogram.counts);
  const bins = counts.length;
  if (bins <= levels) return high;
  counts[0] = Math.min(counts[0]!, counts[1]!);
  let best = high;
  let bestDivergence = Infinity;
  const suffix = new Float64Array(bins + 1);
  for (let i = bins - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + counts[i]!;
  for (let edge = levels; edge <= bins; edge++) {
    // p: the first `edge` bins with everything beyond clipped into the last; q: those bins merged into
    // `levels` groups and spread back evenly over the bins that were not empty.
    const p = Float64Array.from(counts.subarray(0, edge));
    p[edge - 1] = p[edge - 1]! + suffix[edge]!;
    const q = new Float64Array(edge);
    const perLevel = edge / levels;
    for (let j = 0; j < levels; j++) {
      const start = Math.floor(j * perLevel);
      const end = j === levels - 1 ? edge : Math.floor((j + 1) * perLevel);
      let sum = 0;
      let nonEmpty = 0;
      for (let k = start; k < end; k++) {
        sum += counts[k]!;
        if (counts[k]! > 0) nonEmpty++;
      }
      if (nonEmpty > 0) for (let k = start; k < end; k++) if (counts[k]! > 0) q[k] = sum / nonEmpty;
    }
    const divergence = klDivergence(p, q);
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      best = (edge / bins) * high;
    }
  }
  return best;
}

/** KL(p || q) of two unnormalized distributions; a q of 0 where p is not costs as much as a tiny q. */
function klDivergence(p: Float64Array, q: Float64Array): number {
  const sumP = p.reduce((a, b) => a + b, 0);
  const sumQ = q.reduce((a, b) => a + b, 0);
  if (sumP === 0 || sumQ === 0) return Infinity;
  let divergence = 0;
  for (let k = 0; k < p.length; k++) {
    if (p[k] === 0) continue;
    const pk = p[k]! / sumP;
    const qk = Math.max(q[k]! / sumQ, 1e-12);
    divergence += pk * Math.log(pk / qk);
  }
  return divergence;
}
