// The JSON the demo server serves and the page reads. Types only: the server imports them too.

/** One exported model the page can choose (GET api/models). */
export interface DemoModel {
  /** URL-safe unique id, used in `?model=` and the parity endpoint. */
  readonly id: string;
  /** Display name: the file name without `.onnx`. */
  readonly name: string;
  /** URL of the .onnx file, relative to the page. */
  readonly url: string;
  /** Class name of each output index, from the model's `letters.labels` metadata. */
  readonly labels: readonly string[];
  readonly sizeBytes: number;
  /** fp32 as exported; fp16 or int8 from `letters quantize` (the `letters.precision` metadata). */
  readonly precision: 'fp32' | 'fp16' | 'int8';
  /** The name without a precision suffix: `tuned.int8` and `tuned` are the same model in two precisions. */
  readonly family: string;
  /** One line on where the model came from (dataset, test accuracy), when its metadata says. */
  readonly description: string;
}

export interface ModelList {
  readonly models: readonly DemoModel[];
  /** The model the page starts with: the tuned model when there is one. */
  readonly defaultId: string;
}

/**
 * A fixed batch of real images and onnxruntime-node's outputs for them (GET api/parity?model=ID).
 * Numbers travel as JSON numbers: a float32 printed by JSON.stringify parses back to the same float32.
 */
export interface ParityBatch {
  readonly modelId: string;
  /** Where the images come from, e.g. "EMNIST Letters train sample, first 64 images". */
  readonly source: string;
  /** The reference runtime, e.g. "onnxruntime-node (native CPU)". */
  readonly reference: string;
  readonly height: number;
  readonly width: number;
  /**
   * One entry per image: `height * width` uint8 pixels, row-major, upright, ink high. They are dataset
   * images, already what the preprocessing produces, so both runtimes feed them as they are (pixel / 255).
   */
  readonly images: readonly (readonly number[])[];
  /** onnxruntime-node's probabilities for each image. */
  readonly probabilities: readonly (readonly number[])[];
}

/** What parity mode measures; the page shows it and exposes it as `window.__parity`. */
export interface ParityResult {
  readonly count: number;
  /** NaN when a value on either side is NaN or infinite. */
  readonly maxAbsDiff: number;
  /** Images whose argmax agrees between the two runtimes. */
  readonly argmaxAgreement: number;
  readonly worstIndex: number;
  /** Largest accepted |difference|. */
  readonly tolerance: number;
  /** Every value finite, within the tolerance, and every argmax the same. */
  readonly passed: boolean;
  readonly reference: string;
  readonly runtime: string;
}
