import { readFile } from 'node:fs/promises';
import { LettersError } from '@letters/training';
import { createSession, type Runtime, type RuntimeSession, type SessionOptions } from '../adapters/index.ts';
import { IMAGE_SIZE } from '../preprocess/index.ts';
import type { DecodeLimits } from './decode.ts';
import { toModelImages, type ClassifierInput, type ModelImages, modelImages } from './inputs.ts';
import { readModelInfo, type ModelInfo } from './model-info.ts';
import { RunQueue } from './run-queue.ts';

export interface ClassifierOptions extends SessionOptions {
  /** 'node' (onnxruntime-node, default) or 'web' (onnxruntime-web's WebAssembly backend in Node). */
  readonly runtime?: Runtime;
  /** Most images per session run (default 256). */
  readonly maxBatch?: number;
  /** Micro-batching: how long an idle session waits for more images before running (default 0 ms). */
  readonly batchDelayMs?: number;
  /** Limits for the files and buffers it decodes. */
  readonly decode?: DecodeLimits;
}

export interface ClassifyOptions {
  /** How many of the most probable classes each prediction lists (default 5). */
  readonly topK?: number;
}

export interface Ranked {
  readonly label: string;
  readonly index: number;
  readonly probability: number;
}

/** The most probable class of one image, and the top k classes (the first is the prediction). */
export interface Prediction extends Ranked {
  readonly topK: readonly Ranked[];
}

/**
 * A model loaded once on one runtime. Every method is safe to call concurrently: session runs are
 * queued, and images of concurrent calls share runs of up to `maxBatch` images.
 *
 * ```ts
 * const classifier = await Classifier.create('models/tuned.onnx', { runtime: 'node' });
 * const [best] = await classifier.classify('scan.png', { topK: 3 });
 * console.log(best.label, best.probability, best.topK);
 * await classifier.close();
 * ```
 */
export class Classifier {
  private closed = false;

  private constructor(
    readonly source: string,
    readonly runtime: Runtime,
    readonly info: ModelInfo,
    private readonly session: RuntimeSession,
    private readonly queue: RunQueue,
    private readonly decodeLimits: DecodeLimits,
  ) {}

  /** Loads an ONNX model (a file path or its bytes) on the chosen runtime. */
  static async create(model: string | Uint8Array, options: ClassifierOptions = {}): Promise<Classifier> {
    const source = typeof model === 'string' ? model : 'ONNX bytes';
    const runtime = options.runtime ?? 'node';
    const maxBatch = options.maxBatch ?? 256;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new LettersError(`maxBatch ${maxBatch}: must be a positive integer`);
    }
    const bytes = typeof model === 'string' ? await readModelFile(model) : model;
    const info = readModelInfo(bytes, source);
    const session = await createSession(runtime, bytes, source, options);
    const queue = new RunQueue(session, { maxBatch, delayMs: options.batchDelayMs ?? 0 });
    return new Classifier(source, runtime, info, session, queue, options.decode ?? {});
  }

  /** Number of model outputs (27 for Letters). */
  get classes(): number {
    return this.info.labels.length;
  }

  /** Session runs and images run so far; `images / runs` is the mean batch size micro-batching reached. */
  get stats(): { readonly runs: number; readonly images: number } {
    return { ...this.queue.stats };
  }

  /** Top-k predictions, one per image, in input order. */
  async classify(inputs: ClassifierInput | readonly ClassifierInput[], options: ClassifyOptions = {}): Promise<Prediction[]> {
    const list = Array.isArray(inputs) ? (inputs as readonly ClassifierInput[]) : [inputs as ClassifierInput];
    const { images, count } = await toModelImages(list, this.decodeLimits);
    return this.rank(await this.run(images, count), count, options.topK ?? 5);
  }

  /** Raw probabilities [count, classes] for model-ready images (evaluation, parity). */
  async probabilities(images: ModelImages | Float32Array): Promise<Float32Array> {
    const batch = images instanceof Float32Array ? { data: images, count: images.length / (IMAGE_SIZE * IMAGE_SIZE) } : images;
    return this.run(modelImages(batch), batch.count);
  }

  /** Ranks rows of probabilities into predictions. */
  rank(probabilities: Float32Array, count: number, topK = 5): Prediction[] {
    const k = Math.max(1, Math.min(topK, this.classes));
    const labels = this.info.labels;
    const predictions: Prediction[] = [];
    for (let row = 0; row < count; row++) {
      const p = probabilities.subarray(row * this.classes, (row + 1) * this.classes);
      const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]! || a - b).slice(0, k);
      const top = order.map((index) => ({ label: labels[index]!, index, probability: p[index]! }));
      predictions.push({ ...top[0]!, topK: top });
    }
    return predictions;
  }

  /** Waits for queued runs, then frees the session. Later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.idle();
    await this.session.release();
  }

  private run(images: Float32Array, count: number): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new LettersError(`${this.source}: the classifier is closed`));
    return this.queue.run(images, count);
  }
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new LettersError(`${path}: cannot read the model (${reason}); pass an .onnx file from \`letters export\``, {
      cause: error,
    });
  }
}
