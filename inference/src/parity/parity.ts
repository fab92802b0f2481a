import { compareOutputs, IMAGE_SIZE, withinTolerance, type Comparison } from '@letters/contract';
import { runtimePackage } from '../adapters/types.ts';
import { Classifier } from '../classifier/node.ts';

export interface ParityInputs {
  /** Model-ready images [count, 28, 28, 1] in [0, 1]. */
  readonly images: Float32Array;
  readonly count: number;
  /** Where they came from, for the report. */
  readonly description: string;
}

/** Probabilities for the same inputs from elsewhere (e.g. tfjs running the model the ONNX file was exported from). */
export interface ReferenceOutputs {
  readonly name: string;
  /** [count, classes] probabilities. */
  readonly probabilities: Float32Array;
}

export interface ParityOptions {
  /** Other outputs to compare with as well. */
  readonly references?: readonly ReferenceOutputs[];
  /** Images per session run (default 256). */
  readonly batchSize?: number;
  /** Largest accepted |difference| between any two runtimes. */
  readonly tolerance: number;
}

export interface ParityResult {
  readonly inputs: string;
  readonly count: number;
  readonly runtimes: readonly string[];
  /** Every pair of runtimes. */
  readonly comparisons: readonly Comparison[];
  readonly tolerance: number;
  /** Every pair within the tolerance, and every value finite. */
  readonly passed: boolean;
}

/** Runs the same inputs through onnxruntime-node and onnxruntime-web, adds the references, and compares every pair. */
export async function checkRuntimeParity(
  model: string | Uint8Array,
  inputs: ParityInputs,
  options: ParityOptions,
): Promise<ParityResult> {
  const batchSize = options.batchSize ?? 256;
  const outputs: [string, Float32Array][] = [];
  let classes = 0;
  for (const runtime of ['node', 'web'] as const) {
    const classifier = await Classifier.create(model, { runtime, maxBatch: batchSize });
    try {
      classes = classifier.classes;
      outputs.push([runtimePackage(runtime), await classifier.probabilities(inputs.images)]);
    } finally {
      await classifier.close();
    }
  }
  for (const reference of options.references ?? []) outputs.push([reference.name, reference.probabilities]);

  const comparisons: Comparison[] = [];
  for (let i = 0; i < outputs.length; i++) {
    for (let j = i + 1; j < outputs.length; j++) {
      comparisons.push(compareOutputs([outputs[i]![0], outputs[j]![0]], outputs[i]![1], outputs[j]![1], classes));
    }
  }
  return {
    inputs: inputs.description,
    count: inputs.count,
    runtimes: outputs.map(([name]) => name),
    comparisons,
    tolerance: options.tolerance,
    passed: comparisons.every((c) => withinTolerance(c, options.tolerance)),
  };
}

/** Seeded uniform noise in [0, 1]: inputs far from any letter, where differences between kernels show most. */
export function seededImages(count: number, seed = 1): ParityInputs {
  const images = new Float32Array(count * IMAGE_SIZE * IMAGE_SIZE);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < images.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    images[i] = (state >>> 0) / 2 ** 32;
  }
  return { images, count, description: `${count} seeded uniform-noise images` };
}
