import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmHeap } from './wasm-heap.ts';

/**
 * True when the SIMD 2x2 path applies (simd/kernels.ts maxPool2x2Gradient): 2x2 windows at
 * stride 2, none reaching into padding (the convnets' pooling, with 'valid' padding or 'same' on
 * even sizes). It chooses each window's first maximum with comparison masks: on real data the
 * comparisons are unpredictable, and mispredicted branches made the scalar loop 4x slower than
 * its memory traffic. (Only windows holding NaN can route differently from maxPoolBackprop;
 * training has diverged by then.)
 */
export function isPlain2x2(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2 &&
    info.dilationHeight === 1 && info.dilationWidth === 1 && info.padInfo.top === 0 && info.padInfo.left === 0 &&
    2 * info.outHeight <= info.inHeight && 2 * info.outWidth <= info.inWidth
  );
}

/**
 * dL/dx of max pooling: each output's gradient goes to the first maximum of its window, as in
 * TensorFlow and tfjs's cpu backend. The running maximum starts at -Infinity, so windows whose
 * values are all negative are handled (the stock wasm kernel starts at the smallest positive
 * float; see README.md in this folder).
 */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Per-channel running maxima for one output pixel: the inner loops run over contiguous channels.
  const max = new Float32Array(channels);
  const argmax = new Int32Array(channels);
  dx.fill(0);
  for (let n = 0, o = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const ihStart = oh * strideHeight - padTop;
      for (let ow = 0; ow < outWidth; ow++, o += channels) {
        const iwStart = ow * strideWidth - padLeft;
        max.fill(Number.NEGATIVE_INFINITY);
        argmax.fill(-1);
        for (let kh = 0; kh < effectiveFilterHeight; kh += dilationHeight) {
          const ih = ihStart + kh;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < effectiveFilterWidth; kw += dilationWidth) {
            const iw = iwStart + kw;
            if (iw < 0 || iw >= inWidth) continue;
            const base = ((n * inHeight + ih) * inWidth + iw) * channels;
            for (let c = 0; c < channels; c++) {
              const value = x[base + c]!;
              if (value > max[c]!) {
                max[c] = value;
                argmax[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) {
          const at = argmax[c]!;
          if (at >= 0) dx[at]! += dy[o + c]!;
        }
      }
    }
  }
}

function maxPoolGrad({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode,
  );
  const heap = new WasmHeap(backend as BackendWasm);
  const dx = heap.alloc(input.shape);
  if (isPlain2x2(info)) {
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
    heap.simd.maxPool2x2Gradient(
      heap.offset(input), heap.offset(dy), heap.offset(dx), batchSize, inHeight, inWidth, inChannels, outHeight, outWidth,
    );
  } else {
    maxPoolBackprop(heap.f32(input), heap.f32(dy), info, heap.f32(dx));
  }
  return dx;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
