import { compareOutputs, withinTolerance } from '@letters/contract';
import type { Classifier } from '@letters/inference';
import type { ParityBatch, ParityResult } from './api.ts';

/** Largest accepted |difference| between the page's and the server's probabilities (the toolkit's default). */
const TOLERANCE = 1e-4;

/**
 * Runs the server's parity batch through onnxruntime-web as one batch, fed exactly as the Node side
 * feeds it (pixel / 255), and compares every probability with onnxruntime-node's: the toolkit's one
 * comparison, so a NaN or infinite output fails here as everywhere.
 */
export async function runParity(classifier: Classifier, batch: ParityBatch, runtime: string): Promise<ParityResult> {
  const count = batch.images.length;
  const output = await classifier.probabilities({ data: Uint8Array.from(batch.images.flat()), count });
  const classes = output.length / count;
  if (batch.probabilities.some((row) => row.length !== classes)) throw new Error(`parity: the reference rows do not have ${classes} outputs`);
  const comparison = compareOutputs([batch.reference, runtime], Float32Array.from(batch.probabilities.flat()), output, classes, 1);
  return {
    count,
    maxAbsDiff: comparison.maxAbsDiff,
    argmaxAgreement: Math.round(comparison.argmaxAgreement * count),
    worstIndex: comparison.worst[0]?.index ?? 0,
    tolerance: TOLERANCE,
    passed: withinTolerance(comparison, TOLERANCE) && comparison.argmaxAgreement === 1,
    reference: batch.reference,
    runtime,
  };
}
