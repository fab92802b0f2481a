import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { createLocalTrainStep } from './local-train-step.ts';
import { readWeights, shardGradients, writeWeights, type ShardResult } from './shard-gradients.ts';
import type { Batch, StepResult, TrainStep } from './train-step.ts';
import type { ShardRequest, WorkerInit, WorkerReply } from './train-worker.ts';

export interface ParallelOptions {
  /** Threads in all: this one plus threads - 1 workers. */
  threads: number;
  /** The worker module (tests point it at a broken one to exercise the fallback). */
  workerModule?: URL;
  /** Called once if the workers fail and the step falls back to this thread alone. */
  onFallback?: (reason: string) => void;
}

/**
 * The worker module beside this one: train-worker.js in the built package, train-worker.ts when the
 * sources run (tests, tsx scripts).
 */
const workerModule = new URL(`./train-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Starts a worker. Workers get no loader from the parent (neither tsx's nor vitest's), so a TypeScript
 * module (the sources, in development) is loaded through tsx's scoped `tsImport`.
 */
function startWorker(module: URL, init: WorkerInit): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData: init, execArgv: [] });
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(module.href)}))`;
  return new Worker(source, { eval: true, workerData: init, execArgv: [] });
}

/** One worker with at most one request in flight. */
class ShardWorker {
  private pending: { resolve: (r: ShardResult) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  readonly ready: Promise<void>;

  constructor(private readonly worker: Worker) {
    this.ready = new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        this.failure ??= error;
        reject(error);
        this.pending?.reject(error);
        this.pending = undefined;
      };
      worker.on('message', (message: WorkerReply | { ready: number }) => {
        if ('ready' in message) return resolve();
        if (!message.ok) return fail(new Error(message.error));
        this.pending?.resolve(message.result);
        this.pending = undefined;
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`training worker exited with code ${code}`)));
    });
    // Failures surface through compute(); a worker that dies unused must not be an unhandled rejection.
    this.ready.catch(() => {});
  }

  compute(request: ShardRequest): Promise<ShardResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  terminate(): void {
    void this.worker.terminate();
  }
}

/** Splits a batch into `parts` shards of nearly equal size, copying each shard's pixels once. */
export function splitBatch(batch: Batch, parts: number): Batch[] {
  const pixels = batch.images.length / batch.size;
  const shards: Batch[] = [];
  for (let i = 0, start = 0; i < parts; i++) {
    const size = Math.floor(batch.size / parts) + (i < batch.size % parts ? 1 : 0);
    if (size === 0) continue;
    shards.push({
      ...batch,
      // Each shard its own dropout masks (equal seeds would repeat a mask across equally sized shards).
      ...(batch.seed === undefined ? {} : { seed: (batch.seed + Math.imul(i, 0x85ebca6b)) >>> 0 }),
      size,
      images: batch.images.slice(start * pixels, (start + size) * pixels),
      labels: batch.labels.slice(start, start + size),
    });
    start += size;
  }
  return shards;
}

/** Size-weighted mean of equally long arrays: the full-batch mean from per-shard means. */
function weightedMean(parts: ShardResult[], pick: (r: ShardResult) => Float32Array): Float32Array {
  const total = parts.reduce((n, r) => n + r.size, 0);
  const out = new Float32Array(pick(parts[0]!).length);
  for (const part of parts) {
    const values = pick(part);
    const weight = part.size / total;
    for (let i = 0; i < out.length; i++) out[i]! += weight * values[i]!;
  }
  return out;
}

/**
 * Data parallelism over worker threads, each with its own wasm backend: the batch is split,
 * every thread computes its shard's gradients from the same weights, and this thread averages
 * them (weighted by shard size, so the result is the full batch's gradient) and applies the
 * optimizer. BatchNorm sees per-shard batch statistics (like multi-GPU Keras); its moving
 * statistics are averaged. If a worker fails, the step says so once and continues in this
 * thread alone.
 */
export function createParallelTrainStep(model: tf.LayersModel, optimizer: tf.Optimizer, options: ParallelOptions): TrainStep {
  const local = createLocalTrainStep(model, optimizer);
  const module = options.workerModule ?? workerModule;
  const init: WorkerInit = { modelTopology: model.toJSON() as string };
  let workers: ShardWorker[] | undefined = Array.from(
    { length: options.threads - 1 },
    () => new ShardWorker(startWorker(module, init)),
  );
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);

  const fallBack = (error: unknown) => {
    for (const worker of workers ?? []) worker.terminate();
    workers = undefined;
    options.onFallback?.(error instanceof Error ? error.message : String(error));
  };

  const applyGradients = (gradients: Float32Array) => {
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      let offset = 0;
      for (const v of variables) {
        named[v.name] = tf.tensor(gradients.subarray(offset, offset + v.size), v.shape);
        offset += v.size;
      }
      optimizer.applyGradients(named);
    });
  };

  return {
    async run(batch: Batch): Promise<StepResult> {
      if (workers !== undefined) {
        try {
          await Promise.all(workers.map((w) => w.ready));
          const [own, ...others] = splitBatch(batch, workers.length + 1);
          const weights = readWeights(model.weights);
          const remote = others.map((shard, i) => workers![i]!.compute({ weights, batch: shard }));
          const mine = shardGradients(model, own!);
          const parts = [mine, ...(await Promise.all(remote))];
          applyGradients(weightedMean(parts, (r) => r.gradients));
          if (model.nonTrainableWeights.length > 0) {
            writeWeights(model.nonTrainableWeights, weightedMean(parts, (r) => r.nonTrainable));
          }
          const total = parts.reduce((n, r) => n + r.size, 0);
          const mean = (pick: (r: ShardResult) => number) => parts.reduce((s, r) => s + (pick(r) * r.size) / total, 0);
          return { loss: mean((r) => r.loss), accuracy: mean((r) => r.accuracy) };
        } catch (error) {
          fallBack(error);
        }
      }
      return local.run(batch);
    },
    dispose(): void {
      for (const worker of workers ?? []) worker.terminate();
      workers = undefined;
    },
  };
}
