import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { onCpuAndWasm, randomValues, relativeError } from './on-backends.ts';

const tolerance = 1e-5;

test.each([
  { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { a: [1, 9, 4], b: [1, 6, 4], transposeA: false, transposeB: true },
  { a: [2, 4, 5], b: [2, 4, 3], transposeA: true, transposeB: false },
])('matMul $a x $b (transposeA $transposeA, transposeB $transposeB) on wasm matches cpu', async ({ a, b, transposeA, transposeB }) => {
  const aValues = randomValues(tf.util.sizeFromShape(a), 6);
  const bValues = randomValues(tf.util.sizeFromShape(b), 7);
  const { cpu, wasm } = await onCpuAndWasm(() =>
    tf.matMul(tf.tensor(aValues, a), tf.tensor(bValues, b), transposeA, transposeB),
  );
  expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(tolerance);
});
