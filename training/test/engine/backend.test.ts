import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { LettersError } from '../../src/common/index.ts';
import { describeBackend, initBackend } from '../../src/engine/index.ts';

test('auto trains on onnxruntime-node; tfjs evaluates on wasm with SIMD', async () => {
  const info = await initBackend({ backend: 'auto' });
  expect(info.name).toBe('onnxruntime');
  expect(info.automatic).toBe(true);
  expect(tf.getBackend()).toBe('wasm');
  expect(info.simd).toBe(true);
  expect(describeBackend(info)).toMatch(/^backend: onnxruntime \(1 thread; onnxruntime-node 1\.\d+\.\d+; tfjs 4\.\d+\.\d+ wasm for evaluation\)/);
});

test('wasm: XNNPACK with SIMD and the letters training kernels', async () => {
  const info = await initBackend({ backend: 'wasm' });
  expect(tf.getBackend()).toBe('wasm');
  expect(describeBackend(info)).toMatch(/^backend: wasm \(1 thread, SIMD on; tfjs 4\.\d+\.\d+, backend-wasm 4\.\d+\.\d+\)/);
});

test('onnxruntime-web names its runtime and WebAssembly', async () => {
  const info = await initBackend({ backend: 'onnxruntime-web' });
  expect(info.automatic).toBeUndefined();
  expect(describeBackend(info)).toMatch(/^backend: onnxruntime-web \(1 thread, SIMD on; onnxruntime-web 1\.\d+\.\d+;.*WebAssembly/);
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
