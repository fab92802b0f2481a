import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { LettersError } from '@letters/contract';
import { convertToOnnx } from '../src/convert/to-onnx.ts';
import { head, seeded, sequential, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);

function conversionError(model: tf.LayersModel): LettersError {
  try {
    convertToOnnx(model);
  } catch (error) {
    expect(error).toBeInstanceOf(LettersError);
    return error as LettersError;
  }
  throw new Error('expected the conversion to fail');
}

test('an LSTM is refused by name and type, with the supported list', () => {
  const model = tf.sequential({
    layers: [tf.layers.lstm({ inputShape: [28, 28], units: 8, name: 'my_lstm' }), head()],
  });
  const { message } = conversionError(model);
  expect(message).toMatch(/^layer 'my_lstm' \(LSTM\) cannot be exported to ONNX; supported layers: .*Conv2D/);
});

test('a Conv2DTranspose is refused by name and type', () => {
  const model = sequential([8, 8, 1], [
    tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, name: 'upsample' }),
    tf.layers.flatten(),
    head(),
  ]);
  expect(conversionError(model).message).toMatch(/^layer 'upsample' \(Conv2DTranspose\) cannot be exported/);
});

test('an unsupported activation names the layer and the activation', () => {
  const model = sequential([8, 8, 1], [
    tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'gelu_new', name: 'c1' }),
    tf.layers.flatten(),
    head(),
  ]);
  expect(conversionError(model).message).toMatch(/^layer 'c1': activation 'gelu_new' cannot be exported to ONNX; supported: /);
});

test('a branching functional model is refused', () => {
  const input = tf.input({ shape: [8, 8, 1] });
  const a = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: seeded(1) }).apply(input);
  const b = tf.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: seeded(2) }).apply(input);
  const sum = tf.layers.add({ name: 'merge' }).apply([a, b] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
  const output = head().apply(tf.layers.flatten().apply(sum)) as tf.SymbolicTensor;
  expect(conversionError(tf.model({ inputs: input, outputs: output })).message).toMatch(/is not in a linear chain/);
});

test('a model without a final softmax is refused: the output would not be probabilities', () => {
  const model = sequential([8, 8, 1], [tf.layers.flatten(), tf.layers.dense({ units: 27, name: 'logits' })]);
  expect(conversionError(model).message).toMatch(/must end in a softmax .* last layer 'logits' \(Dense\) gives shape \[null,27\] without softmax/);
});

test('channels-first layers are refused', () => {
  const model = sequential([1, 8, 8], [
    tf.layers.maxPooling2d({ poolSize: 2, dataFormat: 'channelsFirst', name: 'cf_pool' }),
    tf.layers.flatten(),
    head(),
  ]);
  expect(conversionError(model).message).toMatch(/^layer 'cf_pool' \(MaxPooling2D\): only dataFormat 'channelsLast'/);
});
