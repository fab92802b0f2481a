import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { initBackend } from '../../src/engine/index.ts';

test('Identity and same-dtype Cast on wasm share memory: a clone outlives its original, and both free it together', async () => {
  await initBackend({ backend: 'wasm' });
  const before = tf.memory().numDataBuffers;
  const original = tf.tensor2d([1, -2, 3, 4.5], [2, 2]);
  const clone = tf.clone(original);
  const flat = tf.tidy(() => tf.cast(tf.reshape(clone, [4]), 'float32'));
  expect(tf.memory().numDataBuffers).toBe(before + 1); // one buffer, three tensors
  const asInt = tf.cast(original, 'int32'); // a real conversion gets its own buffer
  expect(Array.from(asInt.dataSync())).toEqual([1, -2, 3, 4]);
  asInt.dispose();
  original.dispose();
  expect(Array.from(clone.dataSync())).toEqual([1, -2, 3, 4.5]);
  const doubled = tf.tidy(() => tf.mul(flat, tf.scalar(2)));
  expect(Array.from(doubled.dataSync())).toEqual([2, -4, 6, 9]);
  tf.dispose([clone, flat, doubled]);
  expect(tf.memory().numDataBuffers).toBe(before);
});
