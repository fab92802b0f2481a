import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { onCpuAndWasm, randomValues, relativeError } from './on-backends.ts';

type Pad = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

// Odd sizes, asymmetric 'same' padding (even filters, strides 2 and 3), explicit padding, 1x1 filters.
const cases: Case[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [1, 8, 6, 2], filter: [2, 2, 2, 3], strides: 1, pad: 'same' },
  { x: [1, 6, 9, 2], filter: [4, 3, 2, 2], strides: 1, pad: 'same' },
  { x: [2, 9, 9, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [2, 10, 10, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [1, 11, 8, 3], filter: [3, 2, 3, 2], strides: 3, pad: 'same' },
  { x: [1, 11, 11, 1], filter: [5, 5, 1, 2], strides: 3, pad: 'valid' },
  { x: [1, 5, 7, 2], filter: [3, 3, 2, 2], strides: [1, 2], pad: 'same' },
  { x: [2, 6, 6, 2], filter: [1, 1, 2, 3], strides: 1, pad: 'valid' },
  { x: [1, 6, 5, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [1, 7, 7, 2], filter: [3, 3, 2, 2], strides: 2, pad: [[0, 0], [0, 1], [1, 1], [0, 0]] },
  { x: [3, 28, 28, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'valid' },
  { x: [2, 9, 8, 1], filter: [3, 4, 1, 3], strides: 2, pad: 'same' },
  { x: [1, 7, 6, 1], filter: [3, 3, 1, 2], strides: [1, 2], pad: [[0, 0], [2, 0], [1, 2], [0, 0]] },
  // Fewer filter taps than output channels: the direct filter gradient, output channels in fours and a remainder.
  { x: [2, 9, 9, 1], filter: [3, 3, 1, 16], strides: 2, pad: 'same' },
  { x: [2, 28, 28, 1], filter: [3, 3, 1, 32], strides: 1, pad: 'valid' },
  { x: [2, 9, 9, 1], filter: [3, 3, 1, 18], strides: 2, pad: 'same' },
  { x: [1, 8, 7, 2], filter: [2, 2, 2, 13], strides: 3, pad: 'same' },
  // The SIMD im2col: channels in fours (4x4 transposes) and a remainder, positions not a multiple of 4.
  { x: [2, 9, 7, 8], filter: [3, 3, 8, 4], strides: 1, pad: 'same' },
  { x: [1, 8, 9, 6], filter: [2, 3, 6, 5], strides: 2, pad: 'same' },
  { x: [2, 10, 11, 5], filter: [3, 3, 5, 7], strides: 3, pad: 'valid' },
  // Small maps at stride 1: the input gradient's matmul + col2im path (the full convolution would mostly multiply padding).
  { x: [2, 5, 5, 4], filter: [3, 3, 4, 64], strides: 1, pad: 'valid' },
];

// Float32 sums of up to a few hundred products, in a different order from the cpu backend.
const tolerance = 1e-5;

describe('Conv2D gradients on wasm match the cpu backend', () => {
  test.each(cases)('x $x, filter $filter, strides $strides, pad $pad', async ({ x, filter, strides, pad }) => {
    const xValues = randomValues(tf.util.sizeFromShape(x), 1);
    const filterValues = randomValues(tf.util.sizeFromShape(filter), 2);
    const { cpu, wasm } = await onCpuAndWasm(() => {
      const xt = tf.tensor4d(xValues, x);
      const ft = tf.tensor4d(filterValues, filter);
      const y = tf.conv2d(xt, ft, strides, pad);
      // A non-uniform upstream gradient, so every output position weighs differently.
      const dy = tf.tensor(randomValues(y.size, 3), y.shape);
      const [dx, dFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad))([xt, ft], dy);
      return [y, dx!, dFilter!];
    });
    const [yError, dxError, dFilterError] = wasm.map((values, i) => relativeError(values, cpu[i]!));
    expect(yError).toBeLessThan(tolerance);
    expect(dxError).toBeLessThan(tolerance);
    expect(dFilterError).toBeLessThan(tolerance);
  });
});
