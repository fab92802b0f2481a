/**
 * onnxruntime-web in a real Chromium, on its WebAssembly and WebGPU execution providers, driven by
 * playwright-core: the same model bytes and images as the Node runtimes, on a page served from
 * loopback (WebGPU needs a secure context; headless Chromium offers it through SwiftShader when started
 * with --enable-unsafe-webgpu, and through the GPU where there is one).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LettersError } from '@letters/contract';
import { crossOriginIsolation, ORT_URL_PATH, serveOrtFiles } from './ort-files.ts';

export type BrowserProvider = 'wasm' | 'webgpu';
export const BROWSER_PROVIDERS: readonly BrowserProvider[] = ['wasm', 'webgpu'];

/** Debian's Chromium unless LETTERS_CHROMIUM names another. */
export const DEFAULT_CHROMIUM = process.env.LETTERS_CHROMIUM ?? '/usr/bin/chromium';

/** No network beyond loopback, a fresh profile, and WebGPU enabled for the SwiftShader adapter. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

export interface BrowserModel {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** One model on one provider: its outputs and times, or why it could not run. */
export interface BrowserRun {
  readonly model: string;
  readonly provider: BrowserProvider;
  /** [count, classes] probabilities; absent when the provider or the model could not run. */
  readonly probabilities?: Float32Array;
  /** Session creation plus the first single-image run, in ms. */
  readonly coldMs?: number;
  /** Median of single-image runs after the first, in ms. */
  readonly warmMs?: number;
  /** The WebGPU adapter (vendor, architecture) or `wasm`. */
  readonly device?: string;
  /** Why there are no outputs: WebGPU unavailable, a missing float16 feature, a failed session. */
  readonly unavailable?: string;
}

export interface ChromiumRunOptions {
  /** Chromium's executable (default /usr/bin/chromium, or $LETTERS_CHROMIUM). */
  readonly executablePath?: string;
  /** Images per run (default 256). */
  readonly batchSize?: number;
  /** Single-image runs timed after the first (default 10). */
  readonly warmRuns?: number;
}

/** The page: loads onnxruntime-web's build for one provider, then runs models on request (window.lettersRun). */
function pageHtml(provider: BrowserProvider): string {
  const entry = provider === 'webgpu' ? 'ort.webgpu.min.mjs' : 'ort.wasm.min.mjs';
  return `<!doctype html><meta charset="utf-8"><title>letters runtime: ${provider}</title>
<script type="module">
import * as ort from '${ORT_URL_PATH}${entry}';
ort.env.wasm.wasmPaths = '${ORT_URL_PATH}';
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function device() {
  if ('${provider}' !== 'webgpu') return { name: 'wasm' };
  if (!navigator.gpu) return { unavailable: 'WebGPU is not available in this browser (navigator.gpu is missing)' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { unavailable: 'WebGPU has no adapter here (requestAdapter() returned null)' };
  const info = adapter.info ?? {};
  return { name: [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter', f16: adapter.features.has('shader-f16') };
}
window.lettersRun = async ({ model, count, batchSize, warmRuns, halfArithmetic }) => {
  const gpu = await device();
  if (gpu.unavailable) return { unavailable: gpu.unavailable };
  if (halfArithmetic && gpu.f16 === false) {
    return { device: gpu.name, unavailable: 'float16 arithmetic needs the shader-f16 feature, which the WebGPU adapter ' + gpu.name + ' lacks' };
  }
  const [bytes, images] = await Promise.all([
    fetch('/model/' + model).then((r) => r.arrayBuffer()),
    fetch('/images').then((r) => r.arrayBuffer()).then((b) => new Float32Array(b)),
  ]);
  const pixels = images.length / count;
  const start = performance.now();
  let session;
  try {
    session = await ort.InferenceSession.create(new Uint8Array(bytes), { executionProviders: ['${provider}'], graphOptimizationLevel: 'all' });
  } catch (error) {
    return { device: gpu.name, unavailable: 'the session could not be created: ' + (error.message ?? error) };
  }
  try {
    const one = new ort.Tensor('float32', images.slice(0, pixels), [1, 28, 28, 1]);
    await session.run({ image: one });
    const coldMs = performance.now() - start;
    const warm = [];
    for (let i = 0; i < warmRuns; i++) {
      const t = performance.now();
      await session.run({ image: one });
      warm.push(performance.now() - t);
    }
    const out = [];
    for (let s = 0; s < count; s += batchSize) {
      const n = Math.min(batchSize, count - s);
      const batch = new ort.Tensor('float32', images.slice(s * pixels, (s + n) * pixels), [n, 28, 28, 1]);
      const result = await session.run({ image: batch });
      out.push(...result.probabilities.data);
    }
    return { device: gpu.name, probabilities: out, coldMs, warmMs: median(warm) };
  } catch (error) {
    return { device: gpu.name, unavailable: 'the model failed to run: ' + (error.message ?? error) };
  } finally {
    await session.release();
  }
};
window.lettersReady = true;
</script>`;
}

/** Serves the page, onnxruntime-web's files, the models and the images on loopback. */
async function startRuntimeServer(models: readonly BrowserModel[], images: Float32Array): Promise<{ url: string; close(): Promise<void> }> {
  const ort = serveOrtFiles();
  const imageBytes = new Uint8Array(images.buffer, images.byteOffset, images.byteLength);
  const send = (res: ServerResponse, type: string, body: string | Uint8Array) => {
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...crossOriginIsolation });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const provider = BROWSER_PROVIDERS.find((p) => path === `/${p}.html`);
    if (provider) return send(res, 'text/html', pageHtml(provider));
    if (path === '/images') return send(res, 'application/octet-stream', imageBytes);
    const model = path.startsWith('/model/') ? models[Number(path.slice('/model/'.length))] : undefined;
    if (model) return send(res, 'application/octet-stream', model.bytes);
    ort(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs every model on Chromium's wasm and WebGPU providers over the same images ([count, 28, 28, 1]).
 * `halfArithmetic` names the models that compute in float16, which WebGPU runs only with shader-f16.
 * A provider that cannot run says why in `unavailable`; nothing is skipped silently.
 */
export async function runInChromium(
  models: readonly (BrowserModel & { readonly halfArithmetic?: boolean })[],
  images: Float32Array,
  count: number,
  options: ChromiumRunOptions = {},
): Promise<BrowserRun[]> {
  const { chromium } = await import('playwright-core');
  const executablePath = options.executablePath ?? DEFAULT_CHROMIUM;
  const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] }).catch((error: Error) => {
    throw new LettersError(
      `Chromium (${executablePath}) cannot start: ${error.message.split('\n')[0]}; install it (apt-get install chromium) or set LETTERS_CHROMIUM`,
      { cause: error },
    );
  });
  const server = await startRuntimeServer(models, images);
  const runs: BrowserRun[] = [];
  try {
    for (const provider of BROWSER_PROVIDERS) {
      const page = await browser.newPage();
      try {
        await page.goto(`${server.url}/${provider}.html`);
        await page.waitForFunction(() => (globalThis as unknown as { lettersReady?: boolean }).lettersReady === true);
        for (const [index, model] of models.entries()) {
          const result = await page.evaluate(
            (args) => (globalThis as unknown as { lettersRun(a: typeof args): Promise<Record<string, unknown>> }).lettersRun(args),
            { model: index, count, batchSize: options.batchSize ?? 256, warmRuns: options.warmRuns ?? 10, halfArithmetic: model.halfArithmetic ?? false },
          );
          runs.push({
            model: model.name,
            provider,
            ...(result as Omit<BrowserRun, 'model' | 'provider' | 'probabilities'>),
            probabilities: Array.isArray(result['probabilities']) ? Float32Array.from(result['probabilities'] as number[]) : undefined,
          });
        }
      } finally {
        await page.close();
      }
    }
  } finally {
    await server.close();
    await browser.close();
  }
  return runs;
}
