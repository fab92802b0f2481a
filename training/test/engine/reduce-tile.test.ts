import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { onCpuAndWasm, randomValues, relativeError } from './on-backends.ts';

test.each([
  { shape: [4, 3, 5, 6], axis: [0, 1, 2], keepDims: false },
  { shape: [4, 3, 5, 6], axis: [0, 1, 2], keepDims: true },
  { shape: [7, 9], axis: 0, keepDims: false },
  // Columns in fours only (a bias gradient), and fewer than four.
  { shape: [6, 5, 5, 32], axis: [0, 1, 2], keepDims: false },
  { shape: [9, 3], axis: 0, keepDims: true },
  { shape: [2, 3, 4], axis: [1, 0], keepDims: false },
  { shape: [2, 3, 4], axis: [0, 2], keepDims: false },
  { shape: [2, 3, 4], axis: -1, keepDims: true },
  { shape: [5, 4], axis: [0, 1], keepDims: false },
])('sum and mean of $shape over $axis (keepDims $keepDims) on wasm match cpu', async ({ shape, axis, keepDims }) => {
  const values = randomValues(tf.util.sizeFromShape(shape), 31);
  const { cpu, wasm } = await onCpuAndWasm(() => {
    const x = tf.tensor(values, shape);
    return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)];
  });
  expect(wasm.map((w) => w.length)).toEqual(cpu.map((c) => c.length));
  wasm.forEach((w, i) => expect(relativeError(w, cpu[i]!)).toBeLessThan(1e-5));
});

test.each([
  { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
  { shape: [2, 3], reps: [2, 3] },
  { shape: [3, 1], reps: [1, 4] },
  { shape: [2, 1, 3], reps: [1, 5, 2] },
  { shape: [4], reps: [3] },
])('tile $shape by $reps on wasm matches cpu', async ({ shape, reps }) => {
  const values = randomValues(tf.util.sizeFromShape(shape), 32);
  const { cpu, wasm } = await onCpuAndWasm(() => tf.tile(tf.tensor(values, shape), reps));
  expect(Array.from(wasm[0]!)).toEqual(Array.from(cpu[0]!));
});
