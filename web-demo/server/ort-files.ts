import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { Connect, Plugin } from 'vite';

/** URL path under which the page finds onnxruntime-web's wasm runtime (`ort.env.wasm.wasmPaths`). */
export const ORT_URL_PATH = '/ort/';

/**
 * COOP/COEP make the page cross-origin isolated, which SharedArrayBuffer and so
 * onnxruntime-web's WebAssembly threads require.
 */
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * The threaded SIMD build is the only one onnxruntime-web 1.30's wasm backend loads: glue script + binary.
 * The runtime page of `letters parity --browser` also loads onnxruntime-web's unbundled ESM entries
 * (wasm, and webgpu: the default JSEP import breaks int8 models, onnxruntime #32578) and the
 * WebGPU build's runtime files.
 */
const files: Record<string, string> = {
  'ort-wasm-simd-threaded.mjs': 'text/javascript',
  'ort-wasm-simd-threaded.wasm': 'application/wasm',
  'ort.wasm.min.mjs': 'text/javascript',
  'ort.webgpu.min.mjs': 'text/javascript',
  'ort-wasm-simd-threaded.asyncify.mjs': 'text/javascript',
  'ort-wasm-simd-threaded.asyncify.wasm': 'application/wasm',
  'ort-wasm-simd-threaded.jsep.mjs': 'text/javascript',
  'ort-wasm-simd-threaded.jsep.wasm': 'application/wasm',
};

function ortFile(name: string): string {
  return fileURLToPath(new URL(name, import.meta.resolve('onnxruntime-web/wasm')));
}

/** Serves onnxruntime-web's runtime files from the installed package, so the page runs offline. */
export function serveOrtFiles(): Connect.NextHandleFunction {
  return (req, res, next) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const name = path.startsWith(ORT_URL_PATH) ? path.slice(ORT_URL_PATH.length) : undefined;
    const type = name === undefined ? undefined : files[name];
    if (name === undefined || type === undefined) return next();
    const file = ortFile(name);
    stat(file).then(
      (info) => {
        res.writeHead(200, {
          'Content-Type': type,
          'Content-Length': info.size,
          'Cache-Control': 'public, max-age=3600',
          ...crossOriginIsolation,
        });
        pipeline(createReadStream(file), res).catch(() => res.destroy());
      },
      (error: unknown) => next(error),
    );
  };
}

/** Vite plugin: the runtime files under /ort/ in both `vite` (dev) and `vite preview`. */
export function ortWasmFiles(): Plugin {
  return {
    name: 'letters:ort-wasm-files',
    configureServer(server) {
      server.middlewares.use(serveOrtFiles());
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveOrtFiles());
    },
  };
}
