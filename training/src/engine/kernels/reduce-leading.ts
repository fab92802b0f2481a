import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmHeap } from './wasm-heap.ts';

/** How many leading axes `axis` names if it is exactly [0, k) with k < rank, else 0. */
export function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = tf.util.parseAxisParam(axis, shape).sort((a, b) => a - b);
  const isPrefix = axes.every((a, i) => a === i);
  return isPrefix && axes.length < shape.length ? axes.length : 0;
}

/**
 * Sum and Mean over leading axes (bias and BatchNorm gradients reduce NHWC tensors over N, H, W):
 * the stock wasm kernels transpose the tensor to make those axes innermost first. Here one SIMD
 * pass over the rows (simd/kernels.ts sumRows, float64 accumulators, so at least as accurate as
 * the cpu backend's float32 sum). Other reductions go to the stock kernel.
 */
function reduceLeading(stock: tf.KernelConfig, mean: boolean): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const k = x.dtype === 'float32' ? leadingAxes(axis, x.shape) : 0;
    if (k === 0) return stock.kernelFunc({ inputs, backend, attrs });
    const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
    const kept = x.shape.slice(k);
    const heap = new WasmHeap(backend as BackendWasm);
    const columns = tf.util.sizeFromShape(kept);
    const out = heap.alloc(keepDims ? [...new Array<number>(k).fill(1), ...kept] : kept);
    const sums = heap.alloc([2 * columns]); // float64 accumulators
    heap.simd.sumRows(heap.offset(x), rows, columns, heap.offset(out), heap.offset(sums), mean ? 1 / rows : 1);
    heap.free(sums);
    return out;
  };
  return { ...stock, kernelFunc };
}

export const fastSum = (stock: tf.KernelConfig) => reduceLeading(stock, false);
export const fastMean = (stock: tf.KernelConfig) => reduceLeading(stock, true);
