import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry } from './simd/load.ts';
import { WasmHeap } from './wasm-heap.ts';

type Filter = [number, number, number, number];

/** The filter rotated 180 degrees with in/out channels swapped: HWIO [kh,kw,ci,co] -> [KH-1-kh, KW-1-kw, co, ci]. */
export function flipFilter(w: Float32Array, [height, width, inC, outC]: Filter, flipped: Float32Array): void {
  for (let kh = 0; kh < height; kh++) {
    for (let kw = 0; kw < width; kw++) {
      const src = (kh * width + kw) * inC * outC;
      const dst = ((height - 1 - kh) * width + (width - 1 - kw)) * outC * inC;
      for (let ci = 0; ci < inC; ci++) {
        for (let co = 0; co < outC; co++) flipped[dst + co * inC + ci] = w[src + ci * outC + co]!;
      }
    }
  }
}

/** The filter as a [outC, KH*KW*inC] matrix: the transpose of its HWIO [K, outC] reshape. */
export function transposeFilter(w: Float32Array, [height, width, inC, outC]: Filter, transposed: Float32Array): void {
  const taps = height * width * inC;
  for (let k = 0; k < taps; k++) {
    for (let co = 0; co < outC; co++) transposed[co * taps + k] = w[k * outC + co]!;
  }
}

/** Padding of dy for the stride-1 formulation (a "full" convolution), or undefined when it does not apply. */
function fullConvolutionPadding(info: tf.backend_util.Conv2DInfo) {
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth } = info;
  const top = filterHeight - 1 - info.padInfo.top;
  const left = filterWidth - 1 - info.padInfo.left;
  const bottom = inHeight + filterHeight - 1 - outHeight - top;
  const right = inWidth + filterWidth - 1 - outWidth - left;
  const applies = info.strideHeight === 1 && info.strideWidth === 1 && Math.min(top, left, bottom, right) >= 0;
  return applies ? { top, right, bottom, left } : undefined;
}

/**
 * The full convolution multiplies dy's zero padding too: it does inHeight·inWidth /
 * (outHeight·outWidth) times the multiply-adds of dy · filterᵀ, which then needs col2im. An
 * element of col2im (SIMD scatter-add) costs about as much as `col2imCost` multiply-adds of
 * XNNPACK's matmul. Measured on batch 128 (full convolution against matmul + col2im):
 * 13x13x32 -> 64 'valid' 26 against 21 ms, 'same' 26 against 31 ms; 5x5x64 -> 64 'valid' 8.9
 * against 3.1 ms, 'same' 8.7 against 9.3 ms. A full convolution with few output channels (the
 * input gradient of a one-channel image layer) runs far below XNNPACK's speed: 28x28x1 -> 32
 * 'same' 16 against 7.4 ms.
 */
const col2imCost = 11;
function preferFullConvolution(info: tf.backend_util.Conv2DInfo): boolean {
  const waste = (info.inHeight * info.inWidth) / (info.outHeight * info.outWidth);
  return info.inChannels >= 8 && waste < 1 + col2imCost / info.outChannels;
}

/**
 * dL/dx of an NHWC convolution. At stride 1 it is itself a convolution of dy with the flipped
 * filter, which runs on XNNPACK; when that convolution would multiply much padding ('valid'
 * convolutions) or produce few channels, or strides are larger, dy · filterᵀ gives per-tap
 * columns (XNNPACK matmul) that col2im (SIMD) adds back into place.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput on wasm supports NHWC only.');
  const filterShape = filter.shape as Filter;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode);
  const heap = new WasmHeap(backend as BackendWasm);
  const dx = heap.alloc(inputShape);

  const padding = fullConvolutionPadding(info);
  if (padding !== undefined && preferFullConvolution(info)) {
    const [height, width, inC, outC] = filterShape;
    const flipped = heap.alloc([height, width, outC, inC]);
    flipFilter(heap.f32(filter), filterShape, heap.f32(flipped));
    heap.conv2d(dy, flipped, padding, [1, 1], dx);
    heap.free(flipped);
    return dx;
  }

  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const transposed = heap.alloc([info.outChannels, taps]);
  const cols = heap.alloc([positions, taps]);
  transposeFilter(heap.f32(filter), filterShape, heap.f32(transposed));
  heap.matMul(dy, transposed, positions, info.outChannels, taps, cols);
  heap.simd.col2im(heap.offset(cols), heap.offset(dx), ...convGeometry(info));
  heap.free(transposed, cols);
  return dx;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
