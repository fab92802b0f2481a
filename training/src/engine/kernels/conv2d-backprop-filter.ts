import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmHeap } from './wasm-heap.ts';

/**
 * Writes the transposed im2col matrix of `x` for a convolution: row (kh, kw, ci), column
 * (n, oh, ow) holds the input pixel that filter tap meets at that output position (0 in padding).
 * Rows are in the filter's HWI order, so [K, P] · dy[P, outC] is the filter gradient in HWIO.
 */
export function im2colTransposed(x: Float32Array, info: tf.backend_util.Conv2DInfo, cols: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const positions = batchSize * outHeight * outWidth;
  let p = 0;
  // Column-at-a-time keeps the K rows being written cache-resident while x is read once.
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, p++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight - padTop + kh * dilationHeight;
          const rowInside = ih >= 0 && ih < inHeight;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth - padLeft + kw * dilationWidth;
            let row = (kh * filterWidth + kw) * inChannels * positions + p;
            if (rowInside && iw >= 0 && iw < inWidth) {
              const xBase = ((n * inHeight + ih) * inWidth + iw) * inChannels;
              for (let ci = 0; ci < inChannels; ci++, row += positions) cols[row] = x[xBase + ci]!;
            } else {
              for (let ci = 0; ci < inChannels; ci++, row += positions) cols[row] = 0;
            }
          }
        }
      }
    }
  }
}

/**
 * im2colTransposed for an input with one channel (the first layer of an image model), where
 * NHWC is also planar: a row of the matrix is then runs of contiguous input pixels, copied
 * row by row instead of one scattered element per filter tap (3x faster on 28x28 images).
 */
export function im2colTransposedOneChannel(x: Float32Array, info: tf.backend_util.Conv2DInfo, cols: Float32Array): void {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  let c = 0;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      // Input column of output column ow: ow * strideWidth + iwOffset; inside the image for ow in [owStart, owEnd).
      const iwOffset = kw * dilationWidth - info.padInfo.left;
      const owStart = Math.min(outWidth, Math.max(0, Math.ceil(-iwOffset / strideWidth)));
      const owEnd = Math.max(owStart, Math.min(outWidth, Math.ceil((inWidth - iwOffset) / strideWidth)));
      for (let n = 0; n < batchSize; n++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const ih = oh * strideHeight - padTop + kh * dilationHeight;
          if (ih < 0 || ih >= inHeight) {
            cols.fill(0, c, c + outWidth);
            c += outWidth;
            continue;
          }
          const row = (n * inHeight + ih) * inWidth + iwOffset;
          let ow = 0;
          for (; ow < owStart; ow++) cols[c++] = 0;
          for (; ow < owEnd; ow++) cols[c++] = x[row + ow * strideWidth]!;
          for (; ow < outWidth; ow++) cols[c++] = 0;
        }
      }
    }
  }
}

/** dL/dfilter of an NHWC convolution: im2col on the wasm heap, then the backend's XNNPACK matmul. */
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
  const cols = heap.alloc([taps, positions]);
  const dw = heap.alloc(filterShape);
  const im2col = info.inChannels === 1 ? im2colTransposedOneChannel : im2colTransposed;
  im2col(heap.f32(x), info, heap.f32(cols));
  heap.matMul(cols, dy, taps, positions, info.outChannels, dw);
  heap.free(cols);
  return dw;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
