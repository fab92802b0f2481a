import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE } from '@letters/contract';
import { loadModel } from '@letters/training';

/**
 * tfjs's probabilities for model-ready images, from the model folder an ONNX file was exported from:
 * the reference `letters parity --tfjs` and the pipeline compare both onnxruntimes with.
 */
export async function tfjsProbabilities(modelDir: string, images: Float32Array, count: number): Promise<Float32Array> {
  const model = await loadModel(modelDir);
  try {
    return tf.tidy(() => {
      const input = tf.tensor4d(images, [count, IMAGE_SIZE, IMAGE_SIZE, 1]);
      return (model.predict(input, { batchSize: 256 }) as tf.Tensor).dataSync() as Float32Array;
    });
  } finally {
    model.dispose();
  }
}
