import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels, type SimdKernels } from './simd/load.ts';

/**
 * The slice of the wasm backend the training kernels use: its heap, its tensor table and its
 * exported C functions. Kept in one place so a change in @tensorflow/tfjs-backend-wasm's
 * internals breaks here (and in the kernel tests), not silently across every kernel.
 */
interface EmscriptenModule {
  HEAPU8: Uint8Array;
  /** The module's exports; `memory` is the heap (single-threaded build; the threaded one imports it). */
  asm: { memory?: WebAssembly.Memory };
  cwrap(name: string, returnType: null, argTypes: string[]): (...args: (number | boolean | Uint8Array)[]) => void;
}

type WasmFunction = (...args: (number | boolean | Uint8Array)[]) => void;

const exportedFunctions = new WeakMap<object, Map<string, WasmFunction>>();

export class WasmHeap {
  private readonly module: EmscriptenModule;

  constructor(readonly backend: BackendWasm) {
    this.module = backend.wasm as unknown as EmscriptenModule;
  }

  /** The heap's tensor id (what the C kernels take) of a tensor. */
  id(t: tf.TensorInfo): number {
    return this.backend.dataIdMap.get(t.dataId)!.id;
  }

  /** Byte offset of a tensor's memory on the heap: what the SIMD kernels take. */
  offset(t: tf.TensorInfo): number {
    return this.backend.dataIdMap.get(t.dataId)!.memoryOffset;
  }

  /** This project's SIMD loops (simd/kernels.ts), running on this heap. */
  get simd(): SimdKernels {
    return simdKernels(this.module.asm.memory);
  }

  /**
   * A float32 view of a tensor's memory. Views go stale when the heap grows, which any
   * allocation may do: take views after the last allocation of a kernel.
   */
  f32(t: tf.TensorInfo): Float32Array {
    return new Float32Array(this.module.HEAPU8.buffer, this.offset(t), tf.util.sizeFromShape(t.shape));
  }

  /** A new float32 tensor on the heap, registered with the C side; its memory is not cleared. */
  alloc(shape: number[]): tf.TensorInfo {
    return this.backend.makeOutput(shape, 'float32');
  }

  free(...tensors: tf.TensorInfo[]): void {
    for (const t of tensors) this.backend.disposeData(t.dataId);
  }

  /** A C function the wasm module exports (wrapped once per backend instance). */
  fn(name: string, argTypes: string[]): WasmFunction {
    let functions = exportedFunctions.get(this.backend.wasm);
    if (functions === undefined) exportedFunctions.set(this.backend.wasm, (functions = new Map()));
    let f = functions.get(name);
    if (f === undefined) functions.set(name, (f = this.module.cwrap(name, null, argTypes)));
    return f;
  }

  /**
   * out[M, N] = a[M, K] · b[K, N] through the backend's XNNPACK fully-connected path (the only
   * fast path of its BatchMatMul: no transposes, batch 1). XNNPACK packs `b` and the backend
   * caches the packed operator under b's tensor id, so `b` must always be read with the same
   * [rows, lastDim] factorisation; every caller passes [prod(leading dims), last dim].
   */
  matMul(a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number, out: tf.TensorInfo): void {
    const batchMatMul = this.fn('BatchMatMul', [
      'number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number',
    ]);
    const shape = (dims: number[]) => new Uint8Array(new Int32Array(dims).buffer);
    batchMatMul(this.id(a), shape([1, m, k]), 3, this.id(b), shape([1, k, n]), 3, false, false, this.id(out));
  }

  /** NHWC convolution through the backend's XNNPACK Conv2D, with explicit padding. */
  conv2d(
    x: tf.TensorInfo,
    filter: tf.TensorInfo,
    pad: { top: number; right: number; bottom: number; left: number },
    strides: [number, number],
    out: tf.TensorInfo,
  ): void {
    const conv = this.fn('Conv2D', new Array<string>(19).fill('number'));
    const [batch, inHeight, inWidth, inChannels] = x.shape as [number, number, number, number];
    const [filterHeight, filterWidth, , outChannels] = filter.shape as [number, number, number, number];
    conv(
      this.id(x), batch, inHeight, inWidth, this.id(filter), filterHeight, filterWidth,
      pad.top, pad.right, pad.bottom, pad.left, /* isSamePad */ 0, /* dilations */ 1, 1,
      strides[0], strides[1], inChannels, outChannels, this.id(out),
    );
  }
}
