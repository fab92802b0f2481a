/**
 * A data-parallel training worker: its own wasm backend and a copy of the model. Each request
 * carries the current weights and a shard of the batch; the reply carries the shard's gradients.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.ts';
import { readWeights, shardGradients, writeWeights, type ShardResult } from './shard-gradients.ts';
import type { Batch } from './train-step.ts';

export interface WorkerInit {
  /** model.toJSON() of the model being trained. */
  readonly modelTopology: string;
}
export interface ShardRequest {
  readonly weights: Float32Array;
  readonly batch: Batch;
}
export type WorkerReply = { ok: true; result: ShardResult } | { ok: false; error: string };

const port = parentPort!;
const { modelTopology } = workerData as WorkerInit;
try {
  await initBackend({ backend: 'wasm' });
  const model = await tf.models.modelFromJSON(JSON.parse(modelTopology) as Parameters<typeof tf.models.modelFromJSON>[0]);
  port.on('message', ({ weights, batch }: ShardRequest) => {
    let reply: WorkerReply;
    try {
      writeWeights(model.weights, weights);
      reply = { ok: true, result: shardGradients(model, batch) };
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const transfer = reply.ok ? [reply.result.gradients.buffer, reply.result.nonTrainable.buffer] : [];
    port.postMessage(reply, transfer as ArrayBuffer[]);
  });
  // Tell the parent the worker is ready, with a weights check so a topology mismatch fails early.
  port.postMessage({ ready: readWeights(model.weights).length });
} catch (error) {
  port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
}
