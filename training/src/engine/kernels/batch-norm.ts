import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmHeap } from './wasm-heap.ts';

/**
 * FusedBatchNorm with per-channel statistics (what BatchNorm layers pass: vectors over the last
 * axis) as one SIMD pass (simd/kernels.ts batchNorm); the stock kernel took 11 ms on a
 * 128x26x26x32 activation, 4x its memory traffic. Other shapes go to the stock kernel.
 */
export function fastBatchNorm(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, mean, variance, offset, scale } = inputs as Partial<Record<'x' | 'mean' | 'variance' | 'offset' | 'scale', tf.TensorInfo>>;
    const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
    const channels = x!.shape[x!.shape.length - 1] ?? 0;
    const perChannel = (t: tf.TensorInfo | undefined) =>
      t === undefined || (t.dtype === 'float32' && t.shape[t.shape.length - 1] === channels && tf.util.sizeFromShape(t.shape) === channels);
    const size = tf.util.sizeFromShape(x!.shape);
    if (x!.dtype !== 'float32' || channels === 0 || size === 0 || ![mean!, variance!, offset, scale].every(perChannel)) {
      return stock.kernelFunc({ inputs, backend, attrs });
    }
    const heap = new WasmHeap(backend as BackendWasm);
    const out = heap.alloc(x!.shape);
    const factors = heap.alloc([channels]);
    heap.simd.batchNorm(
      heap.offset(x!), heap.offset(out), size / channels, channels, heap.offset(mean!), heap.offset(variance!),
      offset === undefined ? 0 : heap.offset(offset), scale === undefined ? 0 : heap.offset(scale),
      offset !== undefined, scale !== undefined, varianceEpsilon, heap.offset(factors),
    );
    heap.free(factors);
    return out;
  };
  return { ...stock, kernelFunc };
}
