import { readFileSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';

/** A convolution's geometry, in the order the SIMD loops take it. */
export type ConvGeometry = [
  batch: number, inHeight: number, inWidth: number, inChannels: number, outHeight: number, outWidth: number,
  filterHeight: number, filterWidth: number, strideHeight: number, strideWidth: number,
  dilationHeight: number, dilationWidth: number, padTop: number, padLeft: number,
];

export function convGeometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left,
  ];
}

/**
 * The SIMD loops of kernels.wasm (source: kernels.ts), instantiated on the wasm backend's own
 * memory. Arguments named like tensors are byte offsets of float32 tensors on that heap; see
 * kernels.ts for what each computes.
 */
export interface SimdKernels {
  im2colTransposed(x: number, cols: number, ...geometry: ConvGeometry): void;
  conv2dFilterGradient(x: number, dy: number, dw: number, outChannels: number, ...geometry: ConvGeometry): void;
  col2im(cols: number, dx: number, ...geometry: ConvGeometry): void;
  batchNorm(
    x: number, out: number, rows: number, channels: number, mean: number, variance: number, offset: number, scale: number,
    hasOffset: boolean, hasScale: boolean, epsilon: number, factors: number,
  ): void;
  channelwise(op: number, x: number, vector: number, out: number, rows: number, channels: number, vectorFirst: boolean): void;
  sumRows(x: number, rows: number, columns: number, out: number, sums: number, scale: number): void;
  maxPool2x2Gradient(
    x: number, dy: number, dx: number,
    batch: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The kernels bound to `memory` (instantiated once per memory; the module is 3 KB and compiles synchronously). */
export function simdKernels(memory: WebAssembly.Memory | undefined): SimdKernels {
  if (!(memory instanceof WebAssembly.Memory) || memory.buffer instanceof SharedArrayBuffer) {
    throw new Error('the letters training kernels need the single-threaded build of tfjs-backend-wasm (its heap is not reachable)');
  }
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    compiled ??= new WebAssembly.Module(readFileSync(new URL('./kernels.wasm', import.meta.url)));
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    kernels = instance.exports as unknown as SimdKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}
