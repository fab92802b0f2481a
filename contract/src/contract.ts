/**
 * The ONNX contract every letters model follows, in one place for the exporter, the Classifier in
 * Node and in browsers, and the web demo:
 * input `image`, float32 NHWC [N, 28, 28, 1] in [0, 1], upright, white ink on black;
 * output `probabilities`, float32 [N, classes], softmax (Letters: 27, index 0 unused, k = k-th letter);
 * facts about the model in the `letters.*` metadata entries.
 */
import { LettersError } from './errors.ts';

export const INPUT_NAME = 'image';
export const OUTPUT_NAME = 'probabilities';
/** Side of the square input image, in pixels. */
export const IMAGE_SIZE = 28;
/** Largest ONNX file read: a letters model is a few MB; the limit keeps a hostile path from exhausting memory. */
export const MAX_ONNX_BYTES = 512 * 1024 * 1024;

/** Letters classes: index 0 unused, 1-26 = A-Z with upper and lower case merged (EMNIST Letters). */
export const LETTER_CLASS_NAMES: readonly string[] = ['', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** The metadata_props keys an export writes (when the facts are known). */
export const METADATA_KEYS = {
  labels: 'letters.labels',
  preprocessing: 'letters.preprocessing',
  dataset: 'letters.dataset',
  datasetHash: 'letters.dataset_hash',
  testMetrics: 'letters.test_metrics',
  sourceModelHash: 'letters.source_model_hash',
  toolkitVersion: 'letters.toolkit_version',
  /** `fp32`, `fp16` or `int8` (absent: fp32). */
  precision: 'letters.precision',
  /** How a quantized model was made (mode, calibration method, dataset, images), as JSON. */
  quantization: 'letters.quantization',
  /** sha256 of the calibration images a static int8 model was calibrated on. */
  calibrationHash: 'letters.calibration_hash',
  /** Test accuracy and argmax agreement of a quantized model against its float32 model, as JSON. */
  quantizationDeltas: 'letters.quantization_deltas',
  /** sha256 of the float32 ONNX file a quantized model was made from. */
  floatModelHash: 'letters.float_model_hash',
} as const;

/** The precisions a letters model comes in: the exported float32 model and its `letters quantize` versions. */
export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Refuses a model whose input or output names differ from the ONNX contract, naming what it has. */
export function checkContract(source: string, inputNames: readonly string[], outputNames: readonly string[]): void {
  if (!inputNames.includes(INPUT_NAME) || !outputNames.includes(OUTPUT_NAME)) {
    throw new LettersError(
      `${source}: expected input "${INPUT_NAME}" and output "${OUTPUT_NAME}", the model has inputs ` +
        `[${inputNames.join(', ')}] and outputs [${outputNames.join(', ')}]; export it with \`letters export\``,
    );
  }
}
