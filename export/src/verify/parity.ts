import * as tf from '@tensorflow/tfjs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { compareOutputs, INPUT_NAME, LettersError, OUTPUT_NAME, withinTolerance } from '@letters/contract';

/** Runs ONNX bytes on an NHWC float32 batch and returns the flat `probabilities`. */
export type OnnxRunner = (model: Uint8Array, batch: Float32Array, shape: readonly number[]) => Promise<Float32Array>;

export const runWithOnnxruntimeNode: OnnxRunner = async (model, batch, shape) => {
  const session = await InferenceSession.create(model);
  try {
    const outputs = await session.run({ [INPUT_NAME]: new Tensor('float32', batch, shape) });
    return outputs[OUTPUT_NAME]!.data as Float32Array;
  } finally {
    await session.release();
  }
};

export const DEFAULT_TOLERANCE = 1e-4;

/** Real images for the parity batch: the fields of the training package's ImageSet that parity reads. */
export interface ParityImages {
  /** `count * height * width` uint8 pixels, upright, ink 255 on 0. */
  readonly images: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

export interface ParityOptions {
  /** Largest accepted absolute difference between a tfjs and an ONNX probability (default 1e-4). */
  tolerance?: number;
  /** Real images (uint8, upright, ink 255 on 0) run in addition to the seeded batch. */
  images?: ParityImages;
  /** At most this many real images, spread evenly over the set (default 256). */
  maxImages?: number;
  /** Size of the seeded synthetic batch (default 64). */
  seededCount?: number;
  seed?: number;
  /** The ONNX runtime to check against (default onnxruntime-node). */
  runner?: OnnxRunner;
}

export interface ParityReport {
  /** Seeded synthetic inputs: half uniform noise in [0,1], half sparse binary "ink". */
  seededSamples: number;
  imageSamples: number;
  maxAbsDiff: number;
  meanAbsDiff: number;
  /** Fraction of samples where tfjs and ONNX pick the same class. */
  argmaxAgreement: number;
  /** The same over the real images only; null without images. */
  imageArgmaxAgreement: number | null;
  tolerance: number;
  passed: boolean;
}

/** The parity batch, NHWC float32 in [0,1]: seeded noise and sparse strokes, then evenly spread real images. */
function parityBatch(
  [height, width, channels]: readonly [number, number, number],
  options: ParityOptions,
): { batch: Float32Array; seeded: number; images: number } {
  const seeded = options.seededCount ?? 64;
  const seed = options.seed ?? 1234;
  const half = Math.ceil(seeded / 2);
  const noise = tf.tidy(() => {
    const uniform = tf.randomUniform([half, height, width, channels], 0, 1, 'float32', seed);
    const strokes = tf.randomUniform([seeded - half, height, width, channels], 0, 1, 'float32', seed + 1).less(0.15).toFloat();
    return tf.concat([uniform, strokes]).dataSync() as Float32Array;
  });
  const set = options.images;
  if (!set || set.count === 0) return { batch: noise, seeded, images: 0 };
  if (set.height !== height || set.width !== width || channels !== 1) {
    throw new LettersError(
      `parity images are ${set.height}x${set.width} grayscale but the model takes ${height}x${width}x${channels}; pass images of the model's size`,
    );
  }
  const count = Math.min(set.count, options.maxImages ?? 256);
  const pixels = height * width;
  const batch = new Float32Array(noise.length + count * pixels);
  batch.set(noise);
  for (let i = 0; i < count; i++) {
    const source = Math.floor((i * set.count) / count) * pixels;
    for (let p = 0; p < pixels; p++) batch[noise.length + i * pixels + p] = set.images[source + p]! / 255;
  }
  return { batch, seeded, images: count };
}

/**
 * Runs the same batch through tfjs `model.predict` and the ONNX model and compares the probabilities:
 * the maximum absolute difference decides, argmax agreement shows what a difference means for users.
 */
export async function checkParity(
  model: tf.LayersModel,
  onnx: Uint8Array,
  imageShape: readonly [number, number, number],
  options: ParityOptions = {},
): Promise<ParityReport> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const { batch, seeded, images } = parityBatch(imageShape, options);
  const samples = seeded + images;
  const expected = tf.tidy(() => {
    const input = tf.tensor(batch, [samples, ...model.inputs[0]!.shape.slice(1)] as number[]);
    return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
  });
  const actual = await (options.runner ?? runWithOnnxruntimeNode)(onnx, batch, [samples, ...imageShape]);
  if (actual.length !== expected.length) {
    throw new Error(`ONNX output has ${actual.length} values, tfjs ${expected.length}`);
  }
  const classes = expected.length / samples;
  const all = compareOutputs(['tfjs', 'onnx'], expected, actual, classes);
  const imageRows = (values: Float32Array) => values.subarray(seeded * classes);
  const realImages = images > 0 ? compareOutputs(['tfjs', 'onnx'], imageRows(expected), imageRows(actual), classes) : undefined;
  return {
    seededSamples: seeded,
    imageSamples: images,
    maxAbsDiff: all.maxAbsDiff,
    meanAbsDiff: all.meanAbsDiff,
    argmaxAgreement: all.argmaxAgreement,
    imageArgmaxAgreement: realImages?.argmaxAgreement ?? null,
    tolerance,
    passed: withinTolerance(all, tolerance),
  };
}
