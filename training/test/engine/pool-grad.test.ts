import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../../src/engine/index.ts';
import { onCpuAndWasm, randomValues, relativeError } from './on-backends.ts';

interface Case {
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same';
}

// 2x2 windows at stride 2 that stay inside the input take the SIMD path (channels in fours, then
// one at a time), including odd sizes whose last row or column no window covers; the others the
// general one.
const cases: Case[] = [
  { x: [2, 6, 8, 8], size: 2, strides: 2, pad: 'valid' },
  { x: [1, 7, 6, 5], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 4, 5, 1], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 6, 6, 3], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], size: 2, strides: 2, pad: 'valid' },
  { x: [1, 8, 6, 4], size: 2, strides: 2, pad: 'same' },
  { x: [2, 7, 7, 3], size: 2, strides: 2, pad: 'same' },
  { x: [1, 9, 8, 2], size: 3, strides: 2, pad: 'same' },
  { x: [1, 9, 8, 2], size: 3, strides: 1, pad: 'valid' },
  { x: [1, 10, 7, 2], size: [3, 2], strides: [3, 1], pad: 'same' },
];

// Pooling gradients copy or average values: only rounding of the average differs.
const tolerance = 1e-6;

/** Shifts values so every window is negative, or rounds them to few levels so windows hold ties. */
const variants = {
  mixed: (v: Float32Array) => v,
  allNegative: (v: Float32Array) => v.map((x) => x - 2),
  ties: (v: Float32Array) => v.map((x) => Math.round(x * 2) - 3),
};

describe.each(Object.entries(variants))('pooling gradients on wasm match the cpu backend, %s values', (_, transform) => {
  test.each(cases)('x $x, size $size, strides $strides, pad $pad', async ({ x, size, strides, pad }) => {
    const values = transform(randomValues(tf.util.sizeFromShape(x), 4));
    const { cpu, wasm } = await onCpuAndWasm(() => {
      const xt = tf.tensor4d(values, x);
      const dy = (y: tf.Tensor) => tf.tensor(randomValues(y.size, 5), y.shape);
      const maxPool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, size, strides, pad);
      const avgPool = (t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, size, strides, pad);
      return [tf.grad(maxPool)(xt, dy(maxPool(xt))), tf.grad(avgPool)(xt, dy(avgPool(xt)))];
    });
    expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(tolerance);
    expect(relativeError(wasm[1]!, cpu[1]!)).toBeLessThan(tolerance);
  });
});

test('the MaxPoolGrad defect of stock wasm is fixed: all-negative windows and ties', async () => {
  await initBackend({ backend: 'wasm' });
  const grad = tf.grad((x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'));
  const gradient = (values: number[]) => Array.from(grad(tf.tensor4d(values, [1, 2, 2, 1])).dataSync());
  // Stock wasm 4.22 gives [1, 0, 0, 0] and [0, 0, 0, 1] (see src/engine/kernels/README.md).
  expect(gradient([-3, -1, -2, -4])).toEqual([0, 1, 0, 0]);
  expect(gradient([2, 2, 1, 2])).toEqual([1, 0, 0, 0]);
  expect(gradient([-1, -1, -5, -1])).toEqual([1, 0, 0, 0]);
});
