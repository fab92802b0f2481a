import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { initBackend } from '../../src/engine/index.ts';

/** Deterministic values in [-1, 1) (many negative), from a small LCG so failures reproduce. */
export function randomValues(size: number, seed: number): Float32Array {
  const values = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

/** Runs `compute` on the cpu backend (the reference) and on wasm with the training kernels. */
export async function onCpuAndWasm(compute: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = () => {
    const out = tf.tidy(compute);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => t.dataSync() as Float32Array);
    tf.dispose(list);
    return values;
  };
  await initBackend({ backend: 'cpu' });
  const cpu = run();
  await initBackend({ backend: 'wasm' });
  const wasm = run();
  return { cpu, wasm };
}

/** Largest |a - b| relative to max(1, largest |b|): what the tolerances in these tests bound. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  let error = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
  }
  return Number.isNaN(error) ? Number.POSITIVE_INFINITY : error / scale;
}
