import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WasmHeap } from './wasm-heap.ts';

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
  maxPoolBackprop(heap.f32(input), heap.f32(dy), info, heap.f32(dx));
  return dx;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
