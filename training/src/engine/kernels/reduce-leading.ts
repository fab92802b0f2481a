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
 * Sums rows of a [rows, columns] matrix into `out` (columns). Accumulates in float64, so it is
 * at least as accurate as the cpu backend's float32 sum. Four rows per pass over the
 * accumulators: loading and storing them, not the additions, bounds the simple loop.
 */
export function sumRows(x: Float32Array, rows: number, columns: number, out: Float32Array, scale: number): void {
  const sums = new Float64Array(columns);
  let r = 0;
  let offset = 0;
  for (; r + 4 <= rows; r += 4, offset += 4 * columns) {
    const o1 = offset + columns;
    const o2 = o1 + columns;
    const o3 = o2 + columns;
    for (let c = 0; c < columns; c++) sums[c]! += x[offset + c]! + x[o1 + c]! + x[o2 + c]! + x[o3 + c]!;
  }
  for (; r < rows; r++, offset += columns) {
    for (let c = 0; c < columns; c++) sums[c]! += x[offset + c]!;
  }
  for (let c = 0; c < columns; c++) out[c] = sums[c]! * scale;
}

/**
 * Sum and Mean over leading axes (bias and BatchNorm gradients reduce NHWC tensors over N, H, W):
 * the stock wasm kernels transpose the tensor to make those axes innermost first. Other
 * reductions go to the stock kernel.
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
    const out = heap.alloc(keepDims ? [...new Array<number>(k).fill(1), ...kept] : kept);
    sumRows(heap.f32(x), rows, tf.util.sizeFromShape(kept), heap.f32(out), mean ? 1 / rows : 1);
    return out;
  };
  return { ...stock, kernelFunc };
}

export const fastSum = (stock: tf.KernelConfig) => reduceLeading(stock, false);
export const fastMean = (stock: tf.KernelConfig) => reduceLeading(stock, true);
