/**
 * The same real images through every runtime a letters model runs on, for each precision of the model:
 * onnxruntime-node (native CPU), onnxruntime-web's wasm in Node, and onnxruntime-web in Chromium on
 * wasm and WebGPU. Each runtime is compared with native on the same file (the one comparison of
 * @letters/contract), and with the float32 model on native when it is among the models.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { accuracyOf, compareOutputs, METADATA_KEYS, type Precision } from '@letters/contract';
import { Classifier, readModelInfo, runtimePackage, type Runtime } from '@letters/inference';
import { runInChromium } from '@letters/web-demo';

/** Each runtime must pick the same class as native on at least this share of the images (same file). */
export const MIN_RUNTIME_AGREEMENT = 0.999;

export interface RuntimeImages {
  /** [count, 28, 28, 1] in [0, 1]. */
  readonly images: Float32Array;
  readonly count: number;
  /** Class indices, for accuracy. */
  readonly labels?: Uint8Array;
  readonly description: string;
}

export interface RuntimeRow {
  readonly model: string;
  readonly precision: Precision;
  readonly runtime: string;
  readonly bytes: number;
  /** Largest |difference| from onnxruntime-node on the same file; NaN when a value is not finite. */
  readonly maxAbsDiff?: number;
  /** Share of images where this runtime and native pick the same class (same file). */
  readonly nativeAgreement?: number;
  /** Share of images where this runtime picks the float32 model's class on native. */
  readonly floatAgreement?: number;
  readonly accuracy?: number;
  /** Loading the model and the first single-image prediction, ms. */
  readonly coldMs?: number;
  /** Median single-image prediction after the first, ms. */
  readonly warmMs?: number;
  /** Why this runtime gave no outputs (e.g. no WebGPU adapter, no float16 shaders). */
  readonly unavailable?: string;
}

export interface RuntimeTableOptions {
  /** Also run in Chromium (wasm and WebGPU). */
  readonly browser: boolean;
  readonly chromium?: string;
  readonly batchSize?: number;
  /** Timed single-image runs after the first (default 10). */
  readonly warmRuns?: number;
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One Node runtime: times the cold start and warm single-image runs, then runs every image. */
async function runInNode(bytes: Uint8Array, runtime: Runtime, images: RuntimeImages, options: RuntimeTableOptions) {
  const start = performance.now();
  const classifier = await Classifier.create(bytes, { runtime, maxBatch: options.batchSize ?? 256 });
  try {
    const one = images.images.subarray(0, 28 * 28);
    await classifier.probabilities(one);
    const coldMs = performance.now() - start;
    const warm: number[] = [];
    for (let i = 0; i < (options.warmRuns ?? 10); i++) {
      const t = performance.now();
      await classifier.probabilities(one);
      warm.push(performance.now() - t);
    }
    return { probabilities: await classifier.probabilities(images.images), coldMs, warmMs: median(warm) };
  } finally {
    await classifier.close();
  }
}

/** Runs every model file on every runtime over the same images and returns one row per model and runtime. */
export async function runtimeTable(paths: readonly string[], images: RuntimeImages, options: RuntimeTableOptions): Promise<RuntimeRow[]> {
  const models = await Promise.all(
    paths.map(async (path) => {
      const bytes = new Uint8Array(await readFile(path));
      const info = readModelInfo(bytes, path);
      const mode = (JSON.parse(info.metadata[METADATA_KEYS.quantization] ?? '{}') as { mode?: string }).mode;
      return { path, name: basename(path), bytes, precision: info.precision, halfArithmetic: mode === 'arithmetic' };
    }),
  );
  type Output = { runtime: string; probabilities?: Float32Array; coldMs?: number; warmMs?: number; unavailable?: string };
  const outputs = new Map<string, Output[]>(models.map((m) => [m.path, []]));
  for (const model of models) {
    for (const runtime of ['node', 'web'] as const) {
      const name = runtime === 'node' ? `${runtimePackage('node')} (CPU)` : `${runtimePackage('web')} wasm (Node)`;
      outputs.get(model.path)!.push({ runtime: name, ...(await runInNode(model.bytes, runtime, images, options)) });
    }
  }
  if (options.browser) {
    const runs = await runInChromium(
      models.map((m) => ({ name: m.path, bytes: m.bytes, halfArithmetic: m.halfArithmetic })),
      images.images,
      images.count,
      { executablePath: options.chromium, batchSize: options.batchSize, warmRuns: options.warmRuns },
    );
    for (const run of runs) {
      const runtime = run.provider === 'webgpu' ? `Chromium WebGPU${run.device ? ` (${run.device})` : ''}` : 'Chromium wasm';
      outputs.get(run.model)!.push({ runtime, ...run });
    }
  }
  const floatModel = models.find((m) => m.precision === 'fp32');
  const floatNative = floatModel && outputs.get(floatModel.path)![0]!.probabilities!;
  return models.flatMap((model) => {
    const [native] = outputs.get(model.path)!;
    return outputs.get(model.path)!.map((output): RuntimeRow => {
      const base = { model: model.name, precision: model.precision, runtime: output.runtime, bytes: model.bytes.byteLength };
      const { probabilities } = output;
      if (!probabilities) return { ...base, unavailable: output.unavailable };
      const classes = probabilities.length / images.count;
      const vsNative = compareOutputs(['native', output.runtime], native!.probabilities!, probabilities, classes);
      return {
        ...base,
        maxAbsDiff: vsNative.maxAbsDiff,
        nativeAgreement: vsNative.argmaxAgreement,
        floatAgreement: floatNative && compareOutputs(['float32', output.runtime], floatNative, probabilities, classes).argmaxAgreement,
        accuracy: images.labels && accuracyOf(probabilities, images.labels),
        coldMs: output.coldMs,
        warmMs: output.warmMs,
      };
    });
  });
}
