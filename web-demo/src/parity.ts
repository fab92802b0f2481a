import type { ParityBatch, ParityResult } from './api.ts';
import type { WebModel } from './model.ts';

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/**
 * Runs the server's parity batch through onnxruntime-web as one batch, fed exactly as the Node side
 * feeds it (pixel / 255), and compares every probability with onnxruntime-node's.
 */
export async function runParity(
  model: WebModel,
  batch: ParityBatch,
  runtime: string,
): Promise<ParityResult> {
  const count = batch.images.length;
  const inputs = Float32Array.from(batch.images.flat(), (v) => v / 255);
  const output = await model.run(inputs, count);
  const classes = output.length / count;

  let maxAbsDiff = 0;
  let worstIndex = 0;
  let argmaxAgreement = 0;
  for (let i = 0; i < count; i++) {
    const web = output.subarray(i * classes, (i + 1) * classes);
    const node = batch.probabilities[i]!;
    if (node.length !== classes) throw new Error(`parity: image ${i} has ${node.length} reference outputs, expected ${classes}`);
    for (let c = 0; c < classes; c++) {
      const diff = Math.abs(web[c]! - node[c]!);
      if (diff > maxAbsDiff) {
        maxAbsDiff = diff;
        worstIndex = i;
      }
    }
    if (argmax(web) === argmax(node)) argmaxAgreement++;
  }
  return { count, maxAbsDiff, argmaxAgreement, worstIndex, reference: batch.reference, runtime };
}
