import { env } from 'onnxruntime-web/wasm';

/** What the page tells onnxruntime-web (through the Classifier) and shows about it. */
export interface RuntimeInfo {
  readonly ortVersion: string;
  /** Where onnxruntime-web's wasm files are: served by `letters demo` beside the page, never a CDN. */
  readonly wasmPaths: string;
  /** Threads onnxruntime-web is told to use: more than 1 only when the page is cross-origin isolated. */
  readonly threads: number;
  readonly simd: boolean;
  readonly crossOriginIsolated: boolean;
}

/** The smallest module using a v128 instruction: validates only where WebAssembly SIMD is supported. */
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** The runtime settings for this page and browser. */
export function runtimeSettings(): RuntimeInfo {
  const isolated = globalThis.crossOriginIsolated;
  return {
    ortVersion: env.versions.web ?? 'unknown',
    wasmPaths: new URL('ort/', document.baseURI).href,
    // Without isolation there is no SharedArrayBuffer, so onnxruntime-web would fall back to 1 thread anyway.
    threads: isolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1,
    simd: WebAssembly.validate(simdProbe),
    crossOriginIsolated: isolated,
  };
}
