import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Classifier } from '@letters/inference';
import { LettersError } from '@letters/contract';
import type { ModelList, ParityResult } from '../src/api.ts';
import type { PageState } from '../src/page-state.ts';
import { buildIsStale } from '../server/build.ts';
import { parityFromDataset, PARITY_BATCH_SIZE } from '../server/parity.ts';
import { startDemoServer, type DemoServer } from '../server/serve.ts';
import { launchChromium, type Browser } from '../../test-support/chromium.ts';
import { drawStrokes, GLYPHS, settled, touchStrokes } from './helpers/draw.ts';
import { convnetModel, quantizedFixtureModel, trainFixtureModel } from './helpers/model.ts';
import { LETTERS_BIN } from '../../test-support/letters-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

/** Screenshots of every run; set LETTERS_DEMO_SCREENSHOT to also write the README's (web-demo/docs/screenshot.png). */
const shots = join(tmpdir(), 'letters-web-demo-screenshots');
const readmeShot = process.env.LETTERS_DEMO_SCREENSHOT;

let dir: string;
let tuned: string;
let baseline: string;
let server: DemoServer;
let browser: Browser;
let node: Classifier;

beforeAll(async () => {
  dir = tempDir('web-demo');
  await mkdir(shots, { recursive: true });
  tuned = await trainFixtureModel(inject('fixtures'), dir, 'fixtures-tuned', 10);
  baseline = await trainFixtureModel(inject('fixtures'), dir, 'fixtures-baseline', 2);
  const convnet = await convnetModel(dir, 'untrained-convnet');
  const tunedInt8 = await quantizedFixtureModel(inject('fixtures'), tuned, 'int8');
  server = await startDemoServer({
    models: [baseline, tuned, convnet, tunedInt8],
    port: 0,
    quiet: true,
    parity: parityFromDataset({ dataset: 'letters-sample', dataDir: inject('sharedData') }),
  });
  browser = await launchChromium();
  node = await Classifier.create(tuned, { runtime: 'node' });
});

afterAll(async () => {
  await node?.close();
  await browser?.close();
  await server?.close();
});

async function openPage(query = ''): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector('body[data-state="ready"]', { state: 'attached' });
  return { page, requests };
}

const pageState = (page: Page) => page.evaluate(() => window.__letters!) as Promise<PageState>;

/** onnxruntime-node's probabilities for a PNG the page exports from its canvas. */
async function nodeProbabilities(png: Uint8Array | string): Promise<number[]> {
  return Array.from(await node.probabilities(png));
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

describe('letters demo in Chromium', () => {
  it('serves the page, its models and the wasm runtime itself, cross-origin isolated', async () => {
    const { page, requests } = await openPage();
    const runtime = await page.locator('#runtime').innerText();
    expect(runtime).toMatch(/onnxruntime-web\s*:?\s*1\.30\.\d/);
    expect(runtime).toMatch(/crossOriginIsolated\s*:?\s*yes/);
    expect(runtime).toMatch(/SIMD\s*:?\s*yes/);
    // Threads need SharedArrayBuffer, which only the COOP/COEP headers unlock.
    expect(await page.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(true);
    expect(await page.locator('#model').inputValue()).toBe('fixtures-tuned');
    expect(await page.locator('#model option').allTextContents()).toEqual([
      'fixtures-baseline',
      'fixtures-tuned (default)',
      'untrained-convnet',
      'fixtures-tuned.int8',
    ]);
    expect(await page.locator('#precision option').allTextContents()).toEqual([expect.stringMatching(/^fp32 · \d+ KB$/), expect.stringMatching(/^int8 · \d+ KB$/)]);
    // Offline: every request went to the demo server, the wasm binary included.
    expect(requests.every((url) => url.startsWith(server.url))).toBe(true);
    expect(requests.some((url) => url.endsWith('/ort/ort-wasm-simd-threaded.wasm'))).toBe(true);
    await page.close();
  });

  it('answers an unknown /api path with 404 itself, never proxying it (to itself: the loop that held 12,975 sockets)', async () => {
    const response = await fetch(`${server.url}api/anything`, { signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no API /api/anything' });
  });

  for (const letter of Object.keys(GLYPHS)) {
    it(`predicts a drawn ${letter}, with onnxruntime-node's probabilities for the same pixels`, async () => {
      const { page } = await openPage();
      await drawStrokes(page, GLYPHS[letter]!);
      await settled(page);
      const state = await pageState(page);
      expect(state.source).toBe('drawing');
      expect(state.top.map((p) => p.label)).toHaveLength(5);
      expect(state.top[0]!.label).toBe(letter);
      expect(await page.locator('#predictions li').first().getAttribute('data-label')).toBe(letter);

      const png = await page.evaluate(() => (document.getElementById('canvas') as HTMLCanvasElement).toDataURL('image/png'));
      const pngBytes = Buffer.from(png.slice(png.indexOf(',') + 1), 'base64');
      expect(maxAbsDiff(state.probabilities, await nodeProbabilities(pngBytes))).toBeLessThanOrEqual(1e-4);

      const shot = join(shots, `drawn-${letter}.png`);
      await page.screenshot({ path: shot });
      if (readmeShot && letter === 'A') await copyFile(shot, resolve(readmeShot));
      await page.close();
    });
  }

  it('draws with touch as well as with the mouse', async () => {
    const { page } = await openPage();
    await touchStrokes(browser.context, page, GLYPHS.T!);
    await settled(page);
    const state = await pageState(page);
    expect(state.source).toBe('drawing');
    expect(state.top[0]!.label).toBe('T');
    await page.close();
  });

  it('classifies an opened or dropped image file as `letters score` does, and reports a file it cannot decode', async () => {
    const { page } = await openPage();
    const images = join(inject('fixtures'), 'images');
    const waitForSource = async (name: string) => {
      await page.waitForFunction((n) => window.__letters?.source === n, name);
      await settled(page);
    };

    await page.locator('#file').setInputFiles(join(images, 'B-dark-on-light-64x64.png'));
    await waitForSource('B-dark-on-light-64x64.png');
    const opened = await pageState(page);
    expect(maxAbsDiff(opened.probabilities, await nodeProbabilities(join(images, 'B-dark-on-light-64x64.png')))).toBeLessThanOrEqual(1e-4);

    // Dropped like a file from the desktop; this one is dark ink on a transparent background.
    const dropped = 'K-dark-on-transparent-32x32.png';
    const bytes = (await readFile(join(images, dropped))).toString('base64');
    await page.evaluate(
      ([base64, name]) => {
        const data = Uint8Array.from(atob(base64!), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([data], name!, { type: 'image/png' }));
        document.getElementById('pad')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      [bytes, dropped],
    );
    await waitForSource(dropped);
    const state = await pageState(page);
    expect(maxAbsDiff(state.probabilities, await nodeProbabilities(join(images, dropped)))).toBeLessThanOrEqual(1e-4);
    expect(await page.locator('#source').innerText()).toBe(`${dropped} · 32×32`);

    const text = join(dir, 'notes.png');
    await writeFile(text, 'not an image');
    await page.locator('#file').setInputFiles(text);
    await expect.poll(() => page.locator('#status').innerText(), { timeout: 30_000 }).toContain('notes.png: not an image');
    await page.close();
  });

  it('parity mode says why when it cannot run', async () => {
    const synthetic = await startDemoServer({
      models: [tuned],
      port: 0,
      quiet: true,
      parity: parityFromDataset({ dataset: 'fixtures', fixturesDir: inject('fixtures') }),
    });
    const page = await browser.context.newPage();
    try {
      await page.goto(`${synthetic.url}?parity`);
      await expect.poll(() => page.locator('#parity-status').innerText(), { timeout: 30_000 }).toMatch(/Could not run.*synthetic/);
      expect(await page.evaluate(() => window.__parity)).toBeUndefined();
    } finally {
      await page.close();
      await synthetic.close();
    }
  });

  it('offers the int8 precision and WebGPU: the same letter, with size and time per prediction shown', async () => {
    const { page } = await openPage();
    await drawStrokes(page, GLYPHS.T!);
    await settled(page);
    const fp32 = await pageState(page);
    await page.locator('#precision').selectOption('fixtures-tuned.int8');
    await page.waitForFunction(() => window.__letters?.modelId === 'fixtures-tuned.int8' && document.body.dataset.state === 'ready');
    const int8 = await pageState(page);
    expect(int8.top[0]!.label).toBe(fp32.top[0]!.label);
    expect(await page.locator('#status').innerText()).toMatch(/int8, \d+ KB on WebAssembly · \d+\.\d ms per prediction/);
    // Headless Chromium offers WebGPU through SwiftShader (--enable-unsafe-webgpu, a page on loopback).
    expect(await page.locator('#provider option[value="webgpu"]').isDisabled()).toBe(false);
    await page.locator('#provider').selectOption('webgpu');
    // SwiftShader compiles its shaders on the CPU: the first WebGPU session takes tens of seconds on a busy machine.
    await page.waitForFunction(() => document.body.dataset.state !== 'loading' && /WebGPU|error/i.test(document.getElementById('status')!.textContent!), undefined, { timeout: 180_000 });
    expect(await page.locator('#status').innerText()).toMatch(/int8, \d+ KB on WebGPU/);
    await settled(page);
    const webgpu = await pageState(page);
    expect(webgpu.top[0]!.label).toBe(int8.top[0]!.label);
    expect(maxAbsDiff(webgpu.probabilities, int8.probabilities)).toBeLessThan(0.05);
    await page.close();
  });

  it('switches models and clears the pad', async () => {
    const { page } = await openPage();
    await drawStrokes(page, GLYPHS.T!);
    await settled(page);
    const tunedState = await pageState(page);
    await page.locator('#model').selectOption('fixtures-baseline');
    await page.waitForFunction(() => window.__letters?.modelId === 'fixtures-baseline' && document.body.dataset.state === 'ready');
    const baselineState = await pageState(page);
    expect(page.url()).toContain('model=fixtures-baseline');
    expect(maxAbsDiff(tunedState.probabilities, baselineState.probabilities)).toBeGreaterThan(1e-3);

    await page.locator('#clear').click();
    await settled(page);
    expect((await pageState(page)).top).toEqual([]);
    expect(await page.locator('#predictions li').count()).toBe(0);
    await page.close();
  });

  for (const model of ['fixtures-tuned', 'untrained-convnet']) {
    it(`parity mode: onnxruntime-web in the page matches onnxruntime-node on real images (${model})`, async () => {
      const { page } = await openPage(`?parity&model=${model}`);
      await page.waitForFunction(() => window.__parity !== undefined, undefined, { timeout: 60_000 });
      const result = (await page.evaluate(() => window.__parity!)) as ParityResult;
      expect(result.count).toBe(PARITY_BATCH_SIZE);
      expect(result.argmaxAgreement).toBe(result.count);
      expect(result.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      expect(result.runtime).toMatch(/onnxruntime-web 1\.30\.\d+ \([2-9] threads\)/);
      expect(await page.locator('#parity-status').innerText()).toContain('Pass');
      await page.screenshot({ path: join(shots, `parity-${model}.png`) });
      console.log(
        `web-demo parity (${model}): ${result.count} images, max |diff| ${result.maxAbsDiff.toExponential(2)}, ` +
          `argmax ${result.argmaxAgreement}/${result.count}`,
      );
      await page.close();
    });
  }
});

describe('letters demo input checks', () => {
  const parity = parityFromDataset({ dataset: 'letters-sample' });
  const startError = (models: string[], port = 0) =>
    startDemoServer({ models, port, parity, quiet: true }).then(
      async (started) => {
        await started.close();
        throw new Error('the demo server started');
      },
      (error: unknown) => error,
    );

  it('refuses a missing model file and a file that is not ONNX, naming them', async () => {
    const missing = await startError([join(dir, 'missing.onnx')]);
    expect(missing).toBeInstanceOf(LettersError);
    expect(String(missing)).toMatch(/missing\.onnx.*no such file/);
    const text = join(dir, 'text.onnx');
    await writeFile(text, 'hello');
    const notOnnx = await startError([text]);
    expect(notOnnx).toBeInstanceOf(LettersError);
    expect(String(notOnnx)).toMatch(/text\.onnx.*not an ONNX model/);
  });

  it('refuses a port already in use, naming it', async () => {
    const port = Number(new URL(server.url).port);
    const error = await startError([tuned], port);
    expect(error).toBeInstanceOf(LettersError);
    expect(String(error)).toContain(`--port ${port}: already in use`);
  });

  it('letters demo offers the models of a runs folder until interrupted, then exits cleanly', async () => {
    const runs = join(dir, 'runs');
    await mkdir(runs);
    await copyFile(baseline, join(runs, 'baseline-dense.onnx'));
    await copyFile(tuned, join(runs, 'tuned.onnx'));
    const child = spawn(process.execPath, [LETTERS_BIN, 'demo', '--runs', runs, '--port', '0', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(child, 'exit');
    const line = await Promise.race([
      once(child.stdout, 'data').then(([chunk]) => String(chunk)),
      exit.then(() => undefined),
    ]);
    if (line === undefined) throw new Error(`letters demo exited before serving: ${stderr}`);
    const { url } = JSON.parse(line) as { url: string };
    const page = await fetch(url);
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await page.text()).toContain('<canvas id="canvas"');
    const list = (await (await fetch(`${url}api/models`)).json()) as ModelList;
    expect(list.models.map((m) => m.id)).toEqual(['baseline-dense', 'tuned']);
    expect(list.defaultId).toBe('tuned');
    expect(await buildIsStale()).toBe(false);
    child.kill('SIGINT');
    expect((await exit)[0]).toBe(0);
    expect(stderr).toBe('');
  });
});
