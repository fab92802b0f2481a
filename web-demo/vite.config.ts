import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { crossOriginIsolation, ortWasmFiles } from './server/ort-files.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The page's build. `letters demo` builds with this file and serves `dist/` with its own API plugin;
 * `npm run dev -w @letters/web-demo` uses it as is (the page then needs a running `letters demo` for models).
 */
export default defineConfig({
  root,
  base: './',
  // onnxruntime-web's "extern wasm" build loads its glue script and wasm from `ort.env.wasm.wasmPaths`
  // (served by us under /ort/) instead of inlining them, so nothing is fetched from a CDN.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  plugins: [ortWasmFiles()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
});
