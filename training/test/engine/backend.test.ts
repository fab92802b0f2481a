import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { LettersError } from '../../src/common/index.ts';
import { describeBackend, initBackend } from '../../src/engine/index.ts';

test('auto falls back to wasm with SIMD when tfjs-node does not load (as on this machine)', async () => {
  const info = await initBackend({ backend: 'auto' });
  expect(info.name).toBe('wasm');
  expect(tf.getBackend()).toBe('wasm');
  expect(info.simd).toBe(true);
  expect(describeBackend(info)).toMatch(/^backend: wasm \(1 thread, SIMD on; tfjs 4\.\d+\.\d+, backend-wasm 4\.\d+\.\d+\)/);
});

test('asking for tensorflow without tfjs-node is a LettersError naming the option', async () => {
  await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(LettersError);
  await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(/--backend tensorflow/);
});

test('threads must be a whole number of at least 1', async () => {
  await expect(initBackend({ backend: 'wasm', threads: 0 })).rejects.toThrow(/--threads 0/);
  await expect(initBackend({ backend: 'wasm', threads: 1.5 })).rejects.toThrow(LettersError);
});

test('the cpu backend is named with a warning-worthy note', async () => {
  const info = await initBackend({ backend: 'cpu' });
  expect(tf.getBackend()).toBe('cpu');
  expect(describeBackend(info)).toMatch(/^backend: cpu .*slow/);
  await initBackend({ backend: 'wasm' });
});
