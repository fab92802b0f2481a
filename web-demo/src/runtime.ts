import * as ort from 'onnxruntime-web/wasm';

/** What the page shows about the WebAssembly runtime it classifies with. */
export interface RuntimeInfo {
  readonly ortVersion: string;
  /** Threads onnxruntime-web was told to use: more than 1 only when the page is cross-origin isolated. */
  readonly threads: number;
  readonly simd: boolean;
  readonly crossOriginIsolated: boolean;
}

/** The smallest module using a v128 instruction: validates only where WebAssembly SIMD is supported. */
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/**
 * Points onnxruntime-web at the runtime files `letters demo` serves beside the page (never a CDN) and
 * picks the thread count. Call once, before the first session is created.
 */
export function configureRuntime(): RuntimeInfo {
  ort.env.wasm.wasmPaths = new URL('ort/', document.baseURI).href;
  const isolated = globalThis.crossOriginIsolated;
  // Without isolation there is no SharedArrayBuffer, so onnxruntime-web would fall back to 1 thread anyway.
  ort.env.wasm.numThreads = isolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  return {
    ortVersion: ort.env.versions.web ?? 'unknown',
    threads: ort.env.wasm.numThreads,
    simd: WebAssembly.validate(simdProbe),
    crossOriginIsolated: isolated,
  };
}
