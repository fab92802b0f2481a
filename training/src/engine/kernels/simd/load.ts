import { readFileSync } from 'node:fs';

/**
 * The SIMD loops of kernels.wasm (source: kernels.ts), instantiated on the wasm backend's own
 * memory. Arguments named like tensors are byte offsets of float32 tensors on that heap; see
 * kernels.ts for what each computes.
 */
export interface SimdKernels {
  im2colTransposed(
    x: number, cols: number,
    batch: number, inHeight: number, inWidth: number, channels: number,
    outHeight: number, outWidth: number, filterHeight: number, filterWidth: number,
    strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, padTop: number, padLeft: number,
  ): void;
  conv2dFilterGradient(
    x: number, dy: number, dw: number,
    batch: number, inHeight: number, inWidth: number, inChannels: number,
    outHeight: number, outWidth: number, outChannels: number, filterHeight: number, filterWidth: number,
    strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, padTop: number, padLeft: number,
  ): void;
  col2im(
    cols: number, dx: number,
    batch: number, inHeight: number, inWidth: number, channels: number,
    outHeight: number, outWidth: number, filterHeight: number, filterWidth: number,
    strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, padTop: number, padLeft: number,
  ): void;
  sumRows(x: number, rows: number, columns: number, out: number, sums: number, scale: number): void;
  maxPool2x2Gradient(
    x: number, dy: number, dx: number,
    batch: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The kernels bound to `memory` (instantiated once per memory; the module is 3 KB and compiles synchronously). */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels {
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    compiled ??= new WebAssembly.Module(readFileSync(new URL('./kernels.wasm', import.meta.url)));
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    kernels = instance.exports as unknown as SimdKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}
