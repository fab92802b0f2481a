import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { batchMatMulWithTransposes } from './batch-mat-mul.ts';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';

let registered = false;

/**
 * Registers this project's training kernels for the 'wasm' backend, replacing stock kernels
 * that are missing, wrong or slow for training. Idempotent. A replaced kernel keeps the stock
 * setup function, which binds the C function the replacement may still call.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const stockBatchMatMul = tf.getKernel(tf.BatchMatMul, 'wasm')!;
  const kernels = [
    conv2DBackpropFilterConfig,
    conv2DBackpropInputConfig,
    maxPoolGradConfig,
    batchMatMulWithTransposes(stockBatchMatMul),
  ];
  for (const kernel of kernels) {
    const stock = tf.getKernel(kernel.kernelName, 'wasm');
    if (stock !== undefined) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({ ...kernel, setupFunc: stock?.setupFunc ?? kernel.setupFunc });
  }
}

/** Names of the kernels this pack provides, for tests and the kernel README. */
export const wasmTrainingKernelNames = [
  tf.Conv2DBackpropFilter,
  tf.Conv2DBackpropInput,
  tf.MaxPoolGrad,
  tf.BatchMatMul,
] as const;
