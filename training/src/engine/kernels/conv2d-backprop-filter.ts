import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { patchOffsets } from './patches.ts';
import { WasmHeap } from './wasm-heap.ts';

/**
 * Writes the transposed im2col matrix of `x` for a convolution: row (kh, kw, ci), column
 * (n, oh, ow) holds the input pixel that filter tap meets at that output position (0 in padding).
 * Rows are in the filter's HWI order, so [K, P] · dy[P, outC] is the filter gradient in HWIO.
 */
export function im2colTransposed(x: Float32Array, info: tf.backend_util.Conv2DInfo, cols: Float32Array): void {
  const { inChannels } = info;
  const offsets = patchOffsets(info);
  const taps = info.filterHeight * info.filterWidth;
  const positions = offsets.length / taps;
  // Column-at-a-time keeps the K rows being written cache-resident while x is read once.
  for (let p = 0, t = 0; p < positions; p++) {
    for (let tap = 0; tap < taps; tap++, t++) {
      const base = offsets[t]!;
      let row = tap * inChannels * positions + p;
      if (base >= 0) {
        for (let ci = 0; ci < inChannels; ci++, row += positions) cols[row] = x[base + ci]!;
      } else {
        for (let ci = 0; ci < inChannels; ci++, row += positions) cols[row] = 0;
      }
    }
  }
}

/**
 * Writes the im2col matrix of `x`: row (n, oh, ow), column (kh, kw, ci), so each filter tap's
 * channels are one contiguous copy (0 in padding).
 */
export function im2col(x: Float32Array, info: tf.backend_util.Conv2DInfo, cols: Float32Array): void {
  const { inChannels } = info;
  const offsets = patchOffsets(info);
  for (let t = 0, c = 0; t < offsets.length; t++, c += inChannels) {
    const base = offsets[t]!;
    if (base >= 0) {
      for (let ci = 0; ci < inChannels; ci++) cols[c + ci] = x[base + ci]!;
    } else {
      cols.fill(0, c, c + inChannels);
    }
  }
}

/**
 * dL/dfilter of an NHWC convolution: im2col on the wasm heap, then the backend's XNNPACK matmul
 * over all P output positions. XNNPACK repacks the matmul's right-hand [P, n] operand on every
 * call, which costs more than the multiply when n is large and the other side small, so the
 * narrower side goes right: [K, P] · dy[P, outC] as a rule, dyᵀ[outC, P] · cols[P, K] (then
 * transposed) when the filter has fewer taps K than output channels (the first layer of an image
 * model: 15 -> 11 ms for 3x3x1x32 on a batch of 128 28x28 images).
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only.');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
  );
  const heap = new WasmHeap(backend as BackendWasm);
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const outChannels = info.outChannels;

  if (taps < outChannels) {
    const dyTransposed = heap.transpose2d({ ...dy, shape: [positions, outChannels] });
    const cols = heap.alloc([positions, taps]);
    const dwTransposed = heap.alloc([outChannels, taps]);
    im2col(heap.f32(x), info, heap.f32(cols));
    heap.matMul(dyTransposed, cols, outChannels, positions, taps, dwTransposed);
    const dw = heap.transpose2d(dwTransposed);
    heap.free(dyTransposed, cols, dwTransposed);
    return { ...dw, shape: filterShape };
  }

  const cols = heap.alloc([taps, positions]);
  const dw = heap.alloc(filterShape);
  im2colTransposed(heap.f32(x), info, heap.f32(cols));
  heap.matMul(cols, dy, taps, positions, outChannels, dw);
  heap.free(cols);
  return dw;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
