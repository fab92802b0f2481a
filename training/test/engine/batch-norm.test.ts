import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { onCpuAndWasm, randomValues, relativeError } from './on-backends.ts';

interface Case {
  x: number[];
  /** Shape of mean, variance, offset and scale. */
  stats: number[];
  offset: boolean;
  scale: boolean;
}

// Channels in fours and a remainder; statistics as vectors or [1, 1, 1, C]; offset and scale
// optional; statistics of the full shape take the stock kernel.
const cases: Case[] = [
  { x: [2, 5, 5, 8], stats: [8], offset: true, scale: true },
  { x: [3, 7, 6], stats: [6], offset: false, scale: true },
  { x: [2, 3, 3, 5], stats: [1, 1, 1, 5], offset: true, scale: false },
  { x: [4, 3], stats: [3], offset: false, scale: false },
  { x: [2, 4, 4], stats: [2, 4, 4], offset: true, scale: true },
];

test.each(cases)('batchNorm of $x with statistics $stats (offset $offset, scale $scale) on wasm matches cpu', async ({ x, stats, offset, scale }) => {
  const size = tf.util.sizeFromShape(stats);
  const values = randomValues(tf.util.sizeFromShape(x), 41).map((v) => 3 * v);
  const mean = randomValues(size, 42);
  const variance = randomValues(size, 43).map((v) => v + 1.5);
  const { cpu, wasm } = await onCpuAndWasm(() =>
    tf.batchNorm(
      tf.tensor(values, x),
      tf.tensor(mean, stats),
      tf.tensor(variance, stats),
      offset ? tf.tensor(randomValues(size, 44), stats) : undefined,
      scale ? tf.tensor(randomValues(size, 45), stats) : undefined,
      1e-3,
    ),
  );
  // One float32 rounding of the normalising factor apart.
  expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-6);
});
