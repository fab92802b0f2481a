import { LettersError } from '@letters/contract';
import type { Runtime, RuntimeSession, SessionOptions } from '../adapters/types.ts';
import { toModelImages, type Decode, type PixelInput } from './inputs.ts';
import { readModelInfo, type ModelInfo } from './model-info.ts';
import { RunQueue } from './run-queue.ts';

/** Options of every Classifier, in Node and in browsers. */
export interface ClassifierOptions extends SessionOptions {
  /** Most images per session run (default 256). */
  readonly maxBatch?: number;
  /** Micro-batching: how long an idle session waits for more images before running (default 0 ms). */
  readonly batchDelayMs?: number;
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

/** What an entry point hands the shared classifier: the model, its session and how it decodes inputs. */
export interface ClassifierParts<Input> {
  readonly source: string;
  readonly bytes: Uint8Array;
  readonly options: ClassifierOptions;
  readonly openSession: (bytes: Uint8Array, source: string) => Promise<RuntimeSession>;
  readonly decode: Decode<Input>;
}

/** A model with its open session, ready for `new Classifier(...)`. */
export interface OpenedModel<Input> {
  readonly source: string;
  readonly info: ModelInfo;
  readonly session: RuntimeSession;
  readonly queue: RunQueue;
  readonly decode: Decode<Input>;
}

/**
 * A model loaded once on one runtime; the Node and browser entries differ only in how they open the
 * session and what they decode (`Classifier.create` of each entry). Every method is safe to call
 * concurrently: session runs are queued, and images of concurrent calls share runs of up to `maxBatch` images.
 */
export abstract class ClassifierBase<Input = PixelInput> {
  /** The model's file name or URL, as errors name it. */
  readonly source: string;
  readonly runtime: Runtime;
  /** What the model's metadata says: labels, preprocessing, dataset, test metrics. */
  readonly info: ModelInfo;
  private readonly session: RuntimeSession;
  private readonly queue: RunQueue;
  private readonly decode: Decode<Input>;
  private closed = false;
  /** Calls not finished yet: `close` waits for them. */
  private readonly calls = new Set<Promise<unknown>>();

  protected constructor(model: OpenedModel<Input>) {
    this.source = model.source;
    this.runtime = model.session.runtime;
    this.info = model.info;
    this.session = model.session;
    this.queue = model.queue;
    this.decode = model.decode;
  }

  /** Reads the model's metadata, checks the options and opens the session: the entries' `create` passes the result to `new`. */
  protected static async open<Input>(parts: ClassifierParts<Input>): Promise<OpenedModel<Input>> {
    const maxBatch = parts.options.maxBatch ?? 256;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new LettersError(`maxBatch ${maxBatch}: must be a positive integer`, { kind: 'usage' });
    }
    const info = readModelInfo(parts.bytes, parts.source);
    const session = await parts.openSession(parts.bytes, parts.source);
    const queue = new RunQueue(session, { maxBatch, delayMs: parts.options.batchDelayMs ?? 0 });
    return { source: parts.source, info, session, queue, decode: parts.decode };
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
  classify(inputs: Input | readonly Input[], options: ClassifyOptions = {}): Promise<Prediction[]> {
    return this.call(inputs, (probabilities, count) => this.rank(probabilities, count, options.topK ?? 5));
  }

  /** Raw probabilities [count, classes] of every class, output index 0 included (evaluation, parity). */
  probabilities(inputs: Input | readonly Input[]): Promise<Float32Array> {
    return this.call(inputs, (probabilities) => probabilities);
  }

  /**
   * Ranks rows of probabilities into predictions. Classes without a name (Letters' unused class 0)
   * are never predicted: `label` is always a class name.
   */
  rank(probabilities: Float32Array, count: number, topK = 5): Prediction[] {
    const labels = this.info.labels;
    const named = labels.flatMap((label, index) => (label === '' ? [] : [index]));
    const candidates = named.length > 0 ? named : labels.map((_, index) => index);
    const k = Math.max(1, Math.min(topK, candidates.length));
    const predictions: Prediction[] = [];
    for (let row = 0; row < count; row++) {
      const p = probabilities.subarray(row * this.classes, (row + 1) * this.classes);
      const order = [...candidates].sort((a, b) => p[b]! - p[a]! || a - b).slice(0, k);
      const top = order.map((index) => ({ label: labels[index]!, index, probability: p[index]! }));
      predictions.push({ ...top[0]!, topK: top });
    }
    return predictions;
  }

  /** Waits for the calls made so far, then frees the session. Later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.calls);
    await this.queue.idle();
    await this.session.release();
  }

  /** Decodes and preprocesses the inputs, runs them, and hands the probabilities to `finish`; `close` waits for it. */
  private call<T>(inputs: Input | readonly Input[], finish: (probabilities: Float32Array, count: number) => T): Promise<T> {
    if (this.closed) return Promise.reject(new LettersError(`${this.source}: the classifier is closed`));
    const list = Array.isArray(inputs) ? (inputs as readonly Input[]) : [inputs as Input];
    const work = toModelImages(list, this.decode).then(async ({ images, count }) => finish(await this.queue.run(images, count), count));
    this.calls.add(work);
    const forget = () => this.calls.delete(work);
    work.then(forget, forget);
    return work;
  }
}
