// Public API of @letters/web-demo: the demo server `letters demo` runs (the page itself is built with Vite).
export { startDemoServer, type DemoServer, type DemoServerOptions } from './serve.ts';
export { parityFromDataset, loadParityImages, computeParityBatch, PARITY_BATCH_SIZE, type ParityImages, type ParityImagesOptions } from './parity.ts';
export { loadCatalog, type ModelCatalog, type ServedModel } from './models.ts';
export { buildPage, buildIsStale } from './build.ts';
export type { DemoModel, ModelList, ParityBatch, ParityResult } from '../src/api.ts';
export { runInChromium, BROWSER_PROVIDERS, CHROMIUM_ARGS, DEFAULT_CHROMIUM, type BrowserModel, type BrowserProvider, type BrowserRun, type ChromiumRunOptions } from './chromium-runtimes.ts';
