import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry } from './simd/load.ts';
import { WasmHeap } from './wasm-heap.ts';

/**
 * dL/dfilter of an NHWC convolution, two ways (SIMD loops in simd/kernels.ts):
 * - filters with fewer taps · input channels than output channels (first layers: 3x3x1 -> 32):
 *   directly, each output position adding x(tap) · dy(position) to the filter. The matmul
 *   formulation spends its time transposing dy and repacking the im2col matrix there
 *   (13 -> 8 ms for 3x3x1x32 on a batch of 128 28x28 images).
 * - otherwise: transposed im2col `[KH·KW·Cin, P]` on the heap, then the backend's XNNPACK matmul
 *   with dy `[P, Cout]`. XNNPACK repacks the right-hand operand on every call, so the narrower
 *   side (dy) goes right.
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only.');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
  );
  const heap = new WasmHeap(backend as BackendWasm);
  const geometry = convGeometry(info);
  const { outChannels } = info;
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const dw = heap.alloc(filterShape);

  if (taps < outChannels) {
    heap.simd.conv2dFilterGradient(heap.offset(x), heap.offset(dy), heap.offset(dw), outChannels, ...geometry);
    return dw;
  }

  const positions = info.batchSize * info.outHeight * info.outWidth;
  const cols = heap.alloc([taps, positions]);
  heap.simd.im2colTransposed(heap.offset(x), heap.offset(cols), ...geometry);
  heap.matMul(cols, dy, taps, positions, outChannels, dw);
  heap.free(cols);
  return dw;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
