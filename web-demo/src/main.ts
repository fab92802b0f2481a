import './style.css';
import { Classifier, IMAGE_SIZE, PREPROCESSING, preprocessInto, type RawImage } from '@letters/inference';
import type { DemoModel, ModelList, ParityBatch, ParityResult } from './api.ts';
import { DrawingPad } from './drawing-pad.ts';
import { showPairs } from './pairs.ts';
import { runParity } from './parity.ts';
import { PredictionsView, paintInput } from './predictions-view.ts';
import { runtimeSettings, type RuntimeInfo } from './runtime.ts';
import type { TeachView } from './teach/teach-view.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
/** `?parity`: the page runs the server's parity batch instead of the drawing pad. */
const parityPage = params.has('parity');
/** `?teach`: Teach mode under the drawing pad (loaded on demand: it brings the training-graph builder). */
const teachPage = !parityPage && params.has('teach');
let teach: TeachView | undefined;
const runtime = runtimeSettings();
const statusLine = $<HTMLParagraphElement>('status');
const modelSelect = $<HTMLSelectElement>('model');
const precisionSelect = $<HTMLSelectElement>('precision');
const providerSelect = $<HTMLSelectElement>('provider');
/** Where the model runs: onnxruntime-web's WebAssembly or WebGPU execution provider. */
type Provider = 'wasm' | 'webgpu';
const predictions = new PredictionsView($<HTMLOListElement>('predictions'));
const inputPreview = $<HTMLCanvasElement>('input-preview');
const sourceLabel = $<HTMLSpanElement>('source');
const padHint = $<HTMLParagraphElement>('pad-hint');
const modeLink = $<HTMLAnchorElement>('mode-link');
const teachLink = $<HTMLAnchorElement>('teach-link');

/** The chosen model: what the server says about it, and its classifier in this page. */
interface LoadedModel {
  readonly info: DemoModel;
  readonly classifier: Classifier;
  readonly provider: Provider;
}
let model: LoadedModel | undefined;
/** What is classified: the drawing, or the original pixels of an opened image file. */
let source: { name: string; pixels: () => RawImage } | undefined;

function setStatus(text: string, isError = false): void {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', isError);
}

function showRuntime(info: RuntimeInfo): void {
  showPairs($('runtime'), [
    ['onnxruntime-web', info.ortVersion],
    ['WebAssembly threads', String(info.threads)],
    ['SIMD', info.simd ? 'yes' : 'no'],
    ['crossOriginIsolated', info.crossOriginIsolated ? 'yes' : 'no'],
  ]);
}

async function classify(): Promise<void> {
  // The model in use when this run started: a model switch may replace `model` meanwhile.
  const current = model;
  if (!current) return;
  const input = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  const blank = !source || preprocessInto(source.pixels(), input).blank;
  paintInput(inputPreview, input, IMAGE_SIZE);
  if (!source || blank) {
    predictions.clear();
    window.__letters = { probabilities: [], top: [], source: source?.name ?? '', modelId: current.info.id };
    if (blank && source) setStatus('No ink found: draw darker or bigger.');
    return;
  }
  const started = performance.now();
  const probabilities = await current.classifier.probabilities(input);
  const elapsed = performance.now() - started;
  const top = current.classifier.rank(probabilities, 1, 5)[0]!.topK;
  predictions.show(top);
  window.__letters = { probabilities: Array.from(probabilities), top, source: source.name, modelId: current.info.id };
  setStatus([current.info.name, current.info.description, modelFacts(current), `${elapsed.toFixed(1)} ms per prediction`].filter(Boolean).join(' · '));
}

/**
 * Classifies at most once per `delay` while the pixels keep changing (live while drawing), and once more
 * after the last change; never two runs at a time. `body[data-pending]` says whether an update is due
 * (tests wait for "false" before reading the predictions).
 */
function liveUpdates(run: () => Promise<void>, delay: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let dirty = false;
  const setPending = (pending: boolean) => {
    document.body.dataset.pending = String(pending);
  };
  setPending(false);
  const fire = async () => {
    timer = undefined;
    running = true;
    dirty = false;
    try {
      await run();
    } catch (error) {
      setStatus(error instanceof Error ? error.message : String(error), true);
    } finally {
      running = false;
      if (dirty) timer = setTimeout(fire, delay);
      else setPending(false);
    }
  };
  return () => {
    dirty = true;
    setPending(true);
    if (!timer && !running) timer = setTimeout(fire, delay);
  };
}

const update = liveUpdates(classify, 60);
const pad = new DrawingPad($<HTMLCanvasElement>('canvas'), () => {
  source = pad.hasInk ? { name: 'drawing', pixels: () => pad.pixels() } : undefined;
  sourceLabel.textContent = '';
  padHint.hidden = pad.hasInk;
  update();
});

/** Shows an image file and classifies its original pixels, exactly as `letters score` reads them from disk. */
async function openImage(file: File): Promise<void> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    setStatus(`${file.name}: not an image this browser can decode`, true);
    return;
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height);
  pad.showImage(bitmap);
  bitmap.close();
  source = { name: file.name, pixels: () => pixels };
  sourceLabel.textContent = `${file.name} · ${pixels.width}×${pixels.height}`;
  update();
}

function wireInputs(): void {
  $('clear').addEventListener('click', () => pad.clear());
  const fileInput = $<HTMLInputElement>('file');
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) void openImage(file);
    fileInput.value = '';
  });
  const drop = $('pad');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) void openImage(file);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' || (event.key === 'Backspace' && document.activeElement === drop)) pad.clear();
  });
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${url}: HTTP ${response.status}`);
  return body;
}

/** Size, precision and execution provider of the loaded model, for the status line. */
const modelFacts = (current: LoadedModel) =>
  `${current.info.precision}, ${(current.info.sizeBytes / 1024).toFixed(0)} KB on ${current.provider === 'webgpu' ? 'WebGPU' : 'WebAssembly'}`;

/** Whether this browser offers a WebGPU adapter: the WebGPU choice is enabled only then, and says why not otherwise. */
async function offerWebGpu(): Promise<void> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  const option = providerSelect.querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
  option.disabled = !adapter;
  option.textContent = adapter ? 'WebGPU' : `WebGPU (not available: ${gpu ? 'no adapter' : 'this browser has no WebGPU'})`;
}

/** The precisions of the chosen model's family (e.g. tuned, tuned.fp16, tuned.int8), for the precision picker. */
function showPrecisions(list: ModelList, info: DemoModel): void {
  const siblings = list.models.filter((m) => m.family === info.family);
  precisionSelect.replaceChildren(
    ...siblings.map((m) => {
      const option = document.createElement('option');
      option.value = m.id;
      option.textContent = `${m.precision} · ${(m.sizeBytes / 1024).toFixed(0)} KB`;
      return option;
    }),
  );
  precisionSelect.value = info.id;
}

async function selectModel(list: ModelList, id: string, provider: Provider = model?.provider ?? 'wasm'): Promise<void> {
  const info = list.models.find((m) => m.id === id) ?? list.models.find((m) => m.id === list.defaultId)!;
  modelSelect.value = info.id;
  providerSelect.value = provider;
  showPrecisions(list, info);
  for (const select of [modelSelect, precisionSelect, providerSelect]) select.disabled = true;
  document.body.dataset.state = 'loading';
  setStatus(`Loading ${info.name}…`);
  const previous = model;
  model = undefined;
  await previous?.classifier.close();
  try {
    const classifier = await Classifier.create(new URL(info.url, document.baseURI).href, {
      wasmPaths: runtime.wasmPaths,
      threads: runtime.threads,
      executionProvider: provider,
    });
    model = { info, classifier, provider };
    modelSelect.title = info.description;
    const url = new URL(location.href);
    url.searchParams.set('model', info.id);
    history.replaceState(null, '', url);
    setStatus(`${info.name} loaded (${modelFacts(model)})`);
    const query = `model=${encodeURIComponent(info.id)}`;
    modeLink.href = parityPage ? `./?${query}` : `./?parity&${query}`;
    teachLink.href = teachPage ? `./?${query}` : `./?teach&${query}`;
    await (parityPage ? runParityPage(model) : classify());
    if (teachPage) await startTeach(info);
    document.body.dataset.state = 'ready';
  } finally {
    for (const select of [modelSelect, precisionSelect, providerSelect]) select.disabled = false;
  }
}

/** Makes the page classify with a personalized model's bytes, or the chosen model's file again. */
async function useModel(onnx: Uint8Array | undefined): Promise<void> {
  const current = model;
  if (!current) return;
  const classifier = await Classifier.create(onnx ?? new URL(current.info.url, document.baseURI).href, {
    wasmPaths: runtime.wasmPaths,
    threads: runtime.threads,
    executionProvider: current.provider,
  });
  model = { info: current.info, classifier, provider: current.provider };
  await current.classifier.close();
  await classify();
}

async function startTeach(info: DemoModel): Promise<void> {
  const response = await fetch(new URL(info.url, document.baseURI));
  if (!response.ok) throw new Error(`${info.url}: HTTP ${response.status}`);
  const onnx = new Uint8Array(await response.arrayBuffer());
  teach ??= await (await import('./teach/teach-view.ts')).TeachView.open({ pad, runtime, useModel });
  await teach.setBase({ id: info.id, name: info.name, onnx });
}

async function runParityPage(current: LoadedModel): Promise<void> {
  window.__parity = undefined;
  const statusText = $('parity-status');
  const show = (text: string, className: string) => {
    statusText.textContent = text;
    statusText.className = className;
  };
  show('Running…', '');
  $('parity-table').replaceChildren();
  let batch: ParityBatch;
  let result: ParityResult;
  try {
    batch = await fetchJson<ParityBatch>(`api/parity?model=${encodeURIComponent(current.info.id)}`);
    result = await runParity(current.classifier, batch, `onnxruntime-web ${runtime.ortVersion} (${runtime.threads} threads)`);
  } catch (error) {
    show(`Could not run the parity check: ${error instanceof Error ? error.message : String(error)}`, 'fail');
    return;
  }
  showPairs($('parity-table'), [
    ['Model', current.info.name],
    ['Images', `${result.count} · ${batch.source}`],
    ['Reference', result.reference],
    ['This browser', result.runtime],
    ['Max |difference|', result.maxAbsDiff.toExponential(2)],
    ['Argmax agreement', `${result.argmaxAgreement} / ${result.count}`],
    ['Largest difference at', `image ${result.worstIndex + 1}`],
  ]);
  show(result.passed ? 'Pass: the two runtimes agree.' : `Fail: the runtimes disagree beyond ${result.tolerance}.`, result.passed ? 'pass' : 'fail');
  window.__parity = result;
}

async function start(): Promise<void> {
  showRuntime(runtime);
  $('parity').hidden = !parityPage;
  $('demo').hidden = parityPage;
  $('teach').hidden = !teachPage;
  modeLink.textContent = parityPage ? '← Draw a letter' : 'Parity check';
  teachLink.textContent = teachPage ? '← Just draw' : 'Teach';
  $('preprocessing').textContent = PREPROCESSING;
  wireInputs();
  const list = await fetchJson<ModelList>('api/models');
  modelSelect.replaceChildren(
    ...list.models.map((m) => {
      const option = document.createElement('option');
      option.value = m.id;
      option.textContent = m.id === list.defaultId ? `${m.name} (default)` : m.name;
      return option;
    }),
  );
  modelSelect.addEventListener('change', () => {
    selectModel(list, modelSelect.value).catch(fail);
  });
  precisionSelect.addEventListener('change', () => {
    selectModel(list, precisionSelect.value).catch(fail);
  });
  providerSelect.addEventListener('change', () => {
    selectModel(list, modelSelect.value, providerSelect.value as Provider).catch(fail);
  });
  await offerWebGpu();
  await selectModel(list, params.get('model') ?? list.defaultId);
}

function fail(error: unknown): void {
  document.body.dataset.state = 'error';
  setStatus(error instanceof Error ? error.message : String(error), true);
}

start().catch(fail);
