import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { onCpuAndWasm, randomValues, relativeError } from './on-backends.ts';

// Per-channel vectors first or second, as [C] or [1, 1, 1, C], channels in fours and a remainder;
// then shapes the stock kernels keep (equal shapes, a vector of higher rank, other broadcasts, int32).
const shapes: [number[], number[]][] = [
  [[2, 5, 5, 8], [8]],
  [[8], [2, 5, 5, 8]],
  [[1, 1, 1, 5], [3, 4, 4, 5]],
  [[3, 7, 6], [1, 6]],
  [[4, 1], [1]],
  [[2, 3], [2, 3]],
  [[2, 3], [1, 1, 3]],
  [[2, 3, 4], [3, 1]],
];

const operations = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
};

describe.each(Object.entries(operations))('%s with a per-channel vector on wasm matches cpu', (_, op) => {
  test.each(shapes)('%j and %j', async (aShape, bShape) => {
    // Divisors kept away from zero; both signs elsewhere.
    const a = randomValues(tf.util.sizeFromShape(aShape), 51).map((v) => 2 * v);
    const b = randomValues(tf.util.sizeFromShape(bShape), 52).map((v) => (v < 0 ? v - 0.5 : v + 0.5));
    const { cpu, wasm } = await onCpuAndWasm(() => op(tf.tensor(a, aShape), tf.tensor(b, bShape)));
    expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-6);
  });
  test('int32 tensors keep the stock kernel', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() => op(tf.tensor([[6, -9], [12, 3]], [2, 2], 'int32'), tf.tensor([3, 2], [2], 'int32')));
    expect(Array.from(wasm[0]!)).toEqual(Array.from(cpu[0]!));
  });
});
