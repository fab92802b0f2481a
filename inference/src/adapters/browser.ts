import * as ort from 'onnxruntime-web/wasm';
import { openOrtSession, wasmBinding } from './ort-session.ts';
import type { RuntimeSession, SessionOptions } from './types.ts';

export interface BrowserSessionOptions extends SessionOptions {
  /**
   * Where onnxruntime-web finds its `.wasm` and `.mjs` runtime files (a URL prefix ending in `/`).
   * Default: next to onnxruntime-web's script, which bundlers such as Vite emit as assets.
   */
  readonly wasmPaths?: string;
  /**
   * `wasm` (default) or `webgpu`: WebGPU runs on the GPU where the browser offers it (onnxruntime-web's
   * webgpu build, loaded only when asked for; float16 arithmetic needs the adapter's shader-f16 feature).
   */
  readonly executionProvider?: 'wasm' | 'webgpu';
}

/**
 * A session on onnxruntime-web's WebAssembly backend in a browser (or a worker). Settings apply to
 * onnxruntime-web's environment, which its first session fixes for the page.
 */
export async function createBrowserSession(model: Uint8Array, source: string, options: BrowserSessionOptions = {}): Promise<RuntimeSession> {
  // The webgpu build, not the default JSEP one, which breaks int8 models (onnxruntime #32578).
  const runtime = options.executionProvider === 'webgpu' ? await import('onnxruntime-web/webgpu') : ort;
  if (options.wasmPaths !== undefined) runtime.env.wasm.wasmPaths = options.wasmPaths;
  if (options.threads !== undefined) runtime.env.wasm.numThreads = options.threads;
  return openOrtSession(wasmBinding(runtime, options.executionProvider), model, source);
}
