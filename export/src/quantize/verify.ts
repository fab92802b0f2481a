/** A quantized model checked against its float32 model on labelled test images, before it is written. */
import { argmax, compareOutputs, OUTPUT_NAME } from '@letters/contract';
import { runAll, type ModelInputs } from './run-batches.ts';

export interface LabelledInputs extends ModelInputs {
  /** One class index per image. */
  readonly labels: Uint8Array;
}

export interface QuantizationCheck {
  /** Test images compared. */
  readonly count: number;
  readonly floatAccuracy: number;
  readonly accuracy: number;
  /** Accuracy points lost (positive) or gained (negative) against float32. */
  readonly accuracyLoss: number;
  /** Share of images where both models pick the same class. */
  readonly argmaxAgreement: number;
  /** Largest |float32 - quantized| probability. */
  readonly maxAbsDiff: number;
  /** The largest accepted accuracy loss, in points. */
  readonly maxAccuracyLoss: number;
  readonly passed: boolean;
}

function accuracy(probabilities: Float32Array, labels: Uint8Array): number {
  const classes = probabilities.length / labels.length;
  let correct = 0;
  labels.forEach((label, i) => {
    if (argmax(probabilities.subarray(i * classes, (i + 1) * classes)) === label) correct++;
  });
  return correct / labels.length;
}

/** Both models on onnxruntime-node over the same test images: accuracies, agreement and the verdict. */
export async function verifyQuantized(
  floatModel: Uint8Array,
  quantized: Uint8Array,
  test: LabelledInputs,
  maxAccuracyLoss: number,
): Promise<QuantizationCheck> {
  const expected = await runAll(floatModel, test, OUTPUT_NAME);
  const actual = await runAll(quantized, test, OUTPUT_NAME);
  const comparison = compareOutputs(['float32', 'quantized'], expected, actual, expected.length / test.count);
  const floatAccuracy = accuracy(expected, test.labels);
  const quantizedAccuracy = accuracy(actual, test.labels);
  const accuracyLoss = 100 * (floatAccuracy - quantizedAccuracy);
  return {
    count: test.count,
    floatAccuracy,
    accuracy: quantizedAccuracy,
    accuracyLoss,
    argmaxAgreement: comparison.argmaxAgreement,
    maxAbsDiff: comparison.maxAbsDiff,
    maxAccuracyLoss,
    passed: comparison.nonFinite === 0 && accuracyLoss <= maxAccuracyLoss,
  };
}
