/** Runs model-ready images through ONNX bytes on onnxruntime-node in batches (a test set at once would not fit). */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { concatFloat32, INPUT_NAME } from '@letters/contract';

/** Model-ready images, NHWC float32 in [0, 1], laid out as the model's input. */
export interface ModelInputs {
  readonly images: Float32Array;
  readonly count: number;
  /** [height, width, channels]. */
  readonly shape: readonly number[];
}

/** Runs every batch of `inputs`, handing each batch's values of `outputs` to `visit`, in order. */
export async function runBatches(
  model: Uint8Array,
  inputs: ModelInputs,
  outputs: readonly string[],
  visit: (name: string, data: Float32Array) => void,
  { batchSize = 256, optimize = true }: { batchSize?: number; optimize?: boolean } = {},
): Promise<void> {
  const session = await InferenceSession.create(model, { graphOptimizationLevel: optimize ? 'all' : 'disabled' });
  try {
    const pixels = inputs.shape.reduce((a, b) => a * b, 1);
    for (let start = 0; start < inputs.count; start += batchSize) {
      const count = Math.min(batchSize, inputs.count - start);
      const batch = inputs.images.subarray(start * pixels, (start + count) * pixels);
      const results = await session.run({ [INPUT_NAME]: new Tensor('float32', batch, [count, ...inputs.shape]) }, [...outputs]);
      for (const name of outputs) visit(name, results[name]!.data as Float32Array);
    }
  } finally {
    await session.release();
  }
}

/** The one output of every image, concatenated. */
export async function runAll(model: Uint8Array, inputs: ModelInputs, output: string): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  await runBatches(model, inputs, [output], (_, data) => parts.push(data.slice()));
  return concatFloat32(parts);
}
