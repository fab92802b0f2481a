/** Activation ranges from real images: the float model run on onnxruntime-node with its inner values as outputs. */
import { DataType, encodeModel, type OnnxModel } from '../onnx/schema.ts';
import {
  addToHistogram,
  emptyHistogram,
  entropyThreshold,
  percentileRange,
  type CalibrationMethod,
  type Histogram,
  type ValueRange,
} from './range-methods.ts';
import { runBatches, type ModelInputs } from './run-batches.ts';

export interface CalibrationOptions {
  readonly method: CalibrationMethod;
  /** percentile: share of values kept, in % (default 99.999). */
  readonly percentile?: number;
  /** Histogram bins for percentile and entropy (default 2048). */
  readonly bins?: number;
  /** Images per session run (default 256). */
  readonly batchSize?: number;
}

/**
 * The range of each of `values` over the calibration images, by `method`: min-max in one pass;
 * percentile and entropy in a second pass filling histograms over the min-max ranges.
 */
export async function calibrateRanges(
  model: OnnxModel,
  values: readonly string[],
  inputs: ModelInputs,
  options: CalibrationOptions,
): Promise<Map<string, ValueRange>> {
  const batchSize = options.batchSize ?? 256;
  // The values to observe become the graph's outputs; no optimization, so none is fused away.
  const probe = encodeModel({
    ...model,
    graph: { ...model.graph, output: values.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })) },
  });
  const run = (visit: (name: string, data: Float32Array) => void) => runBatches(probe, inputs, values, visit, { batchSize, optimize: false });
  const ranges = new Map<string, { min: number; max: number }>(values.map((name) => [name, { min: Infinity, max: -Infinity }]));
  await run((name, data) => {
    const range = ranges.get(name)!;
    for (const v of data) {
      if (v < range.min) range.min = v;
      if (v > range.max) range.max = v;
    }
  });
  if (options.method === 'minmax') return ranges;

  const bins = options.bins ?? 2048;
  const entropy = options.method === 'entropy';
  const histograms = new Map<string, Histogram>(
    [...ranges].map(([name, { min, max }]) =>
      [name, entropy ? emptyHistogram(0, Math.max(-min, max), bins) : emptyHistogram(min, max, bins)] as const,
    ),
  );
  await run((name, data) => addToHistogram(histograms.get(name)!, data, entropy ? Math.abs : undefined));
  return new Map(
    [...ranges].map(([name, observed]) => {
      const histogram = histograms.get(name)!;
      if (!entropy) return [name, percentileRange(histogram, options.percentile ?? 99.999)];
      const threshold = entropyThreshold(histogram);
      return [name, { min: Math.max(observed.min, -threshold), max: Math.min(observed.max, threshold) }];
    }),
  );
}
