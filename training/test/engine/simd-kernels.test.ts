import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../../src/engine/index.ts';
import { compileKernels, kernelsWasmPath } from '../../src/engine/kernels/simd/build.ts';
import { convGeometry } from '../../src/engine/kernels/simd/load.ts';
import { WasmHeap } from '../../src/engine/kernels/wasm-heap.ts';
import { randomValues, relativeError } from './on-backends.ts';

describe('simd/kernels.wasm', () => {
  test('is what asc builds from kernels.ts (npm run build:simd -w @letters/training)', async () => {
    const committed = new Uint8Array(await readFile(kernelsWasmPath));
    expect(Buffer.from(await compileKernels()).equals(Buffer.from(committed))).toBe(true);
  });

  test('imports the heap and nothing else, and has no memory or data of its own to clash with it', async () => {
    const module = new WebAssembly.Module(await readFile(kernelsWasmPath));
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).filter((e) => e.kind === 'global')).toEqual([]);
    // Section 11 (data) would write into the backend's heap at instantiation.
    const bytes = new Uint8Array(await readFile(kernelsWasmPath));
    expect(sectionIds(bytes)).not.toContain(11);
  });
});

/** The ids of a wasm binary's top-level sections. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]!);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    at += size;
  }
  return ids;
}

/**
 * tfjs never hands the convolution backprop kernels a dilation (tf.conv2d's gradient asserts
 * dilation 1), but the SIMD loops take one; checked here against the definition.
 */
describe('SIMD convolution loops with dilation match the definition', () => {
  const convInfo = (x: number[], filter: number[], strides: [number, number], dilations: [number, number], pad: 'same' | 'valid') =>
    tf.backend_util.computeConv2DInfo(x as [number, number, number, number], filter as [number, number, number, number], strides, dilations, pad);

  /** dL/dfilter = Σ x(position + tap) · dy(position), straight from the definition. */
  function filterGradientReference(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
    const dw = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
    for (let n = 0; n < batchSize; n++) for (let oh = 0; oh < outHeight; oh++) for (let ow = 0; ow < outWidth; ow++) {
      for (let kh = 0; kh < filterHeight; kh++) for (let kw = 0; kw < filterWidth; kw++) {
        const ih = oh * info.strideHeight - info.padInfo.top + kh * info.dilationHeight;
        const iw = ow * info.strideWidth - info.padInfo.left + kw * info.dilationWidth;
        if (ih < 0 || ih >= inHeight || iw < 0 || iw >= inWidth) continue;
        for (let ci = 0; ci < inChannels; ci++) for (let co = 0; co < outChannels; co++) {
          dw[((kh * filterWidth + kw) * inChannels + ci) * outChannels + co]! +=
            x[((n * inHeight + ih) * inWidth + iw) * inChannels + ci]! * dy[((n * outHeight + oh) * outWidth + ow) * outChannels + co]!;
        }
      }
    }
    return dw;
  }

  const cases = [
    { x: [2, 9, 8, 1], filter: [3, 3, 1, 12], strides: [1, 1], dilations: [2, 2], pad: 'same' },
    { x: [1, 11, 10, 3], filter: [2, 3, 3, 6], strides: [2, 1], dilations: [2, 3], pad: 'valid' },
    { x: [2, 10, 9, 8], filter: [3, 2, 8, 5], strides: [1, 2], dilations: [3, 2], pad: 'same' },
  ] as const;

  test.each(cases)('x $x, filter $filter, strides $strides, dilations $dilations, pad $pad', async ({ x, filter, strides, dilations, pad }) => {
    await initBackend({ backend: 'wasm' });
    const info = convInfo([...x], [...filter], [...strides], [...dilations], pad);
    const xValues = randomValues(tf.util.sizeFromShape([...x]), 7);
    const dyValues = randomValues(info.batchSize * info.outHeight * info.outWidth * info.outChannels, 8);
    const expected = filterGradientReference(xValues, dyValues, info);
    const geometry = convGeometry(info);

    const heap = new WasmHeap(tf.backend() as BackendWasm);
    const xt = tf.tensor(xValues, [...x]);
    const dyt = tf.tensor(dyValues, [info.batchSize * info.outHeight * info.outWidth, info.outChannels]);
    // Direct loop.
    const dw = heap.alloc([expected.length]);
    heap.simd.conv2dFilterGradient(heap.offset(xt), heap.offset(dyt), heap.offset(dw), info.outChannels, ...geometry);
    expect(relativeError(heap.f32(dw).slice(), expected)).toBeLessThan(1e-5);
    // Transposed im2col, multiplied out here.
    const taps = info.filterHeight * info.filterWidth * info.inChannels;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const cols = heap.alloc([taps, positions]);
    heap.simd.im2colTransposed(heap.offset(xt), heap.offset(cols), ...geometry);
    const product = tf.tidy(() => tf.matMul(tf.tensor(heap.f32(cols).slice(), [taps, positions]), dyt).dataSync() as Float32Array);
    expect(relativeError(product, expected)).toBeLessThan(1e-5);
    heap.free(dw, cols);
    tf.dispose([xt, dyt]);
  });
});
