import type { ImageSet } from '@letters/training';
import type { Runtime } from '../adapters/index.ts';
import type { Classifier } from '../classifier/index.ts';
import { MetricsAccumulator, type ClassificationMetrics } from './metrics.ts';

export interface EvaluateOptions {
  /** Images per call into the classifier (default 256). */
  readonly batchSize?: number;
  /** Called after each batch with the images done so far. */
  readonly onProgress?: (done: number) => void;
}

export interface Evaluation extends ClassificationMetrics {
  readonly runtime: Runtime;
  readonly labels: readonly string[];
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

/**
 * Runs a labelled set through a classifier and measures it. Two batches are in flight, so converting
 * the next uint8 batch to float32 overlaps the session run of the current one.
 */
export async function evaluateClassifier(
  classifier: Classifier,
  set: ImageSet,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  if (set.height !== 28 || set.width !== 28) {
    throw new RangeError(`the set's images are ${set.height}x${set.width}; the model takes 28x28`);
  }
  const batchSize = options.batchSize ?? 256;
  const metrics = new MetricsAccumulator(classifier.info.labels);
  const pixels = set.height * set.width;
  const started = performance.now();
  const inFlight: { run: Promise<Float32Array>; labels: Uint8Array }[] = [];
  let done = 0;
  const settle = async () => {
    const { run, labels } = inFlight.shift()!;
    metrics.add(await run, labels);
    done += labels.length;
    options.onProgress?.(done);
  };
  for (let start = 0; start < set.count; start += batchSize) {
    const end = Math.min(set.count, start + batchSize);
    const data = set.images.subarray(start * pixels, end * pixels);
    inFlight.push({ run: classifier.probabilities({ data, count: end - start }), labels: set.labels.subarray(start, end) });
    if (inFlight.length >= 2) await settle();
  }
  while (inFlight.length > 0) await settle();
  const seconds = (performance.now() - started) / 1000;
  return {
    runtime: classifier.runtime,
    labels: classifier.info.labels,
    ...metrics.result(),
    seconds,
    imagesPerSecond: set.count / seconds,
  };
}
