import * as tf from '@tensorflow/tfjs';
import { checkParity, type ParityOptions, type ParityReport } from '../src/verify/parity.ts';
import { convertToOnnx, type ConversionInput } from '../src/convert/to-onnx.ts';
import { encodeModel } from '../src/onnx/schema.ts';

/** The exact cpu backend: the reference the exports are compared with. */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A Sequential model on an NHWC image input, seeded so every run builds the same weights. */
export function sequential(inputShape: number[], layers: tf.layers.Layer[]): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  for (const layer of layers) model.add(layer);
  return model;
}

/** A seeded glorot initializer, so test models are reproducible. */
export const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/**
 * The softmax head every exported model ends with. Its kernel is scaled up so the probabilities are
 * peaked: near-uniform outputs would make both the difference and the argmax checks weak.
 */
export function head(units = 27, seed = 99): tf.layers.Layer {
  return tf.layers.dense({
    units,
    activation: 'softmax',
    kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed }),
  });
}

/** Sets every weight of a layer to seeded values in [low, high). */
export function randomizeWeights(layer: tf.layers.Layer, low: number, high: number, seed: number): void {
  layer.setWeights(layer.getWeights().map((w, i) => tf.randomUniform(w.shape, low, high, 'float32', seed + i)));
}

/** Converts, serializes and checks parity in onnxruntime-node, without the export's refusal. */
export async function parityOf(
  model: tf.LayersModel,
  options: ConversionInput & ParityOptions = {},
): Promise<ParityReport & { onnx: Uint8Array }> {
  const conversion = convertToOnnx(model, options);
  const onnx = encodeModel(conversion.model);
  const [, h, w, c] = conversion.inputShape;
  return { ...(await checkParity(model, onnx, [h, w, c], options)), onnx };
}

/** One line per checked model, printed at the end of a file so runs record the measured figures. */
export const figures: { model: string; maxAbsDiff: number; argmaxAgreement: number }[] = [];
export function record(model: string, report: ParityReport): void {
  figures.push({ model, maxAbsDiff: report.maxAbsDiff, argmaxAgreement: report.argmaxAgreement });
}
