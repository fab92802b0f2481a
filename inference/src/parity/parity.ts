import * as tf from '@tensorflow/tfjs';
import { runtimePackage } from '../adapters/index.ts';
import { Classifier } from '../classifier/index.ts';
import { compareOutputs, type Comparison } from './compare.ts';

export interface ParityInputs {
  /** Model-ready images [count, 28, 28, 1] in [0, 1]. */
  readonly images: Float32Array;
  readonly count: number;
  /** Where they came from, for the report. */
  readonly description: string;
}

export interface ParityOptions {
  /** A tfjs model to compare with as well (the model the ONNX file was exported from). */
  readonly tfjs?: tf.LayersModel;
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
  readonly passed: boolean;
}

function tfjsPredict(model: tf.LayersModel, images: Float32Array, count: number, batchSize: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(images, [count, 28, 28, 1]);
    return (model.predict(x, { batchSize }) as tf.Tensor).dataSync() as Float32Array;
  });
}

/** Runs the same inputs through onnxruntime-node, onnxruntime-web and optionally tfjs, and compares every pair. */
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
  if (options.tfjs) outputs.push(['tfjs', tfjsPredict(options.tfjs, inputs.images, inputs.count, batchSize)]);

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
    passed: comparisons.every((c) => c.maxAbsDiff <= options.tolerance),
  };
}

/** Seeded uniform noise in [0, 1]: inputs far from any letter, where differences between kernels show most. */
export function seededImages(count: number, seed = 1): ParityInputs {
  const images = new Float32Array(count * 784);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < images.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    images[i] = (state >>> 0) / 2 ** 32;
  }
  return { images, count, description: `${count} seeded uniform-noise images` };
}
