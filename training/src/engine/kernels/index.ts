import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { batchMatMulWithTransposes } from './batch-mat-mul.ts';
import { fastBatchNorm } from './batch-norm.ts';
import { channelwise } from './channelwise.ts';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.ts';
import { sharingCast, sharingIdentity } from './identity.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';
import { fastMean, fastSum } from './reduce-leading.ts';
import { fastTile } from './tile.ts';

let registered = false;

/**
 * Registers this project's training kernels for the 'wasm' backend, replacing stock kernels
 * that are missing, wrong or slow for training. Idempotent. A replaced kernel keeps the stock
 * setup function, which binds the C function the replacement may still call.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const stock = (name: string) => tf.getKernel(name, 'wasm')!;
  const identity = sharingIdentity(stock(tf.Identity));
  const kernels = [
    conv2DBackpropFilterConfig,
    conv2DBackpropInputConfig,
    maxPoolGradConfig,
    batchMatMulWithTransposes(stock(tf.BatchMatMul)),
    fastTile(stock(tf.Tile)),
    fastBatchNorm(stock(tf.FusedBatchNorm)),
    ...[tf.Add, tf.Sub, tf.Multiply, tf.RealDiv].map((name) => channelwise(stock(name))),
    fastSum(stock(tf.Sum)),
    fastMean(stock(tf.Mean)),
    identity,
    sharingCast(stock(tf.Cast), identity),
  ];
  for (const kernel of kernels) {
    const replaced = tf.getKernel(kernel.kernelName, 'wasm');
    if (replaced !== undefined) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({ ...kernel, setupFunc: replaced?.setupFunc ?? kernel.setupFunc });
  }
}

