import { IMAGE_SIZE } from '@letters/contract';
import type { Runtime } from '../adapters/types.ts';
import type { ClassifierBase } from '../classifier/classifier.ts';
import type { PixelInput } from '../classifier/inputs.ts';
import { MetricsAccumulator, type ClassificationMetrics } from './metrics.ts';

/** Labelled model-ready images, such as a dataset split of the training package. */
export interface LabelledImages {
  /** `count * height * width` uint8 pixels, upright, ink 255 on 0. */
  readonly images: Uint8Array;
  /** `count` class indices. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

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
  classifier: ClassifierBase<PixelInput>,
  set: LabelledImages,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  if (set.height !== IMAGE_SIZE || set.width !== IMAGE_SIZE) {
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

/** The largest differences between two runtimes' evaluations of the same set. */
export function compareEvaluations(a: Evaluation, b: Evaluation): { accuracy: number; loss: number; confusionCells: number } {
  let confusionCells = 0;
  a.confusion.forEach((row, i) => row.forEach((n, j) => (confusionCells += n === b.confusion[i]![j] ? 0 : 1)));
  return { accuracy: Math.abs(a.accuracy - b.accuracy), loss: Math.abs(a.loss - b.loss), confusionCells };
}
