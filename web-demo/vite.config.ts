import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { crossOriginIsolation, ortWasmFiles } from './server/ort-files.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Where `vite` (dev, with hot reload) finds the models and parity API: a running `letters demo`. */
const demoServer = process.env.LETTERS_DEMO_URL ?? 'http://127.0.0.1:4173';

/**
 * The page's build. `letters demo` builds with this file into dist/page and serves it with its own API plugin.
 * For work on the page, run `letters demo` and then `npm run dev -w @letters/web-demo`, which proxies
 * the API to it.
 */
export default defineConfig({
  root,
  base: './',
  // onnxruntime-web's "extern wasm" build loads its glue script and wasm from `ort.env.wasm.wasmPaths`
  // (served by us under /ort/) instead of inlining them, so nothing is fetched from a CDN.
  resolve: { conditions: [...defaultClientConditions, 'onnxruntime-web-use-extern-wasm'] },
  build: { outDir: 'dist/page', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  plugins: [ortWasmFiles()],
  server: { headers: crossOriginIsolation, proxy: { '/api': demoServer, '/models': demoServer } },
});
