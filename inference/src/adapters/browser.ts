import * as ort from 'onnxruntime-web/wasm';
import { openOrtSession, wasmBinding } from './ort-session.ts';
import type { RuntimeSession, SessionOptions } from './types.ts';

export interface BrowserSessionOptions extends SessionOptions {
  /**
   * Where onnxruntime-web finds its `.wasm` and `.mjs` runtime files (a URL prefix ending in `/`).
   * Default: next to onnxruntime-web's script, which bundlers such as Vite emit as assets.
   */
  readonly wasmPaths?: string;
}

/**
 * A session on onnxruntime-web's WebAssembly backend in a browser (or a worker). Settings apply to
 * onnxruntime-web's environment, which its first session fixes for the page.
 */
export function createBrowserSession(model: Uint8Array, source: string, options: BrowserSessionOptions = {}): Promise<RuntimeSession> {
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  if (options.threads !== undefined) ort.env.wasm.numThreads = options.threads;
  return openOrtSession(wasmBinding(ort), model, source);
}
