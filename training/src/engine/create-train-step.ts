import * as tf from '@tensorflow/tfjs';
import { LettersError } from '../common/index.ts';
import { currentBackend } from './backend.ts';
import { createLocalTrainStep } from './local-train-step.ts';
import { createOnnxTrainStep } from './onnx-train-step.ts';
import { createParallelTrainStep } from './parallel-train-step.ts';
import type { CreateTrainStep, TrainStep } from './train-step.ts';

/**
 * Forward multiply-adds per image for each trainable weight. A data-parallel step ships every
 * weight to each worker and every gradient back, so it only pays when each weight does a lot
 * of work: a convnet reuses each weight about 30 times per image, a dense network once.
 */
export function weightReuse(model: tf.LayersModel): number {
  let multiplyAdds = 0;
  for (const layer of model.layers) {
    const kernel = layer.trainableWeights.find((w) => w.originalName.endsWith('/kernel'));
    if (kernel === undefined) continue;
    const kernelSize = tf.util.sizeFromShape(kernel.shape as number[]);
    const output = layer.outputShape as (number | null)[];
    // Conv2D: each kernel weight is applied at every output position; Dense: once.
    const positions = layer.getClassName() === 'Conv2D' ? (output[1] ?? 1) * (output[2] ?? 1) : 1;
    multiplyAdds += kernelSize * positions;
  }
  const parameters = model.trainableWeights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0);
  return parameters === 0 ? 0 : multiplyAdds / parameters;
}

/** Below this reuse, shipping weights costs more than the second thread saves (bench:train: dense loses, convnets win). */
const parallelMinimumReuse = 8;

/**
 * Threads a training step for `model` uses on the backend initBackend selected: its threads
 * for wasm when the model reuses its weights enough to gain from data parallelism, else 1
 * (tfjs-node and cpu manage their own threads and report 1 here).
 */
export function trainStepThreads(model: tf.LayersModel): number {
  const backend = currentBackend();
  if (backend?.name === 'onnxruntime' || backend?.name === 'onnxruntime-web') return backend.threads;
  if (backend?.name !== 'wasm' || weightReuse(model) < parallelMinimumReuse) return 1;
  return backend.threads;
}

/** The training step for the backend initBackend selected, on trainStepThreads(model) threads. */
export const createTrainStep: CreateTrainStep = (model, optimizer) => {
  const backend = currentBackend();
  if (backend?.name === 'onnxruntime' || backend?.name === 'onnxruntime-web') {
    try {
      return createOnnxTrainStep(model, optimizer, { runtime: backend.name, threads: backend.threads });
    } catch (error) {
      if (!backend.automatic || !(error instanceof LettersError)) throw error;
      console.warn(`letters: ${error.message}; this model trains on the wasm step instead.`);
      return createTfjsTrainStep(model, optimizer, weightReuse(model) < parallelMinimumReuse ? 1 : backend.threads);
    }
  }
  return createTfjsTrainStep(model, optimizer, trainStepThreads(model));
};

/** The tfjs step: in this thread, or data-parallel over `threads` workers. */
function createTfjsTrainStep(model: tf.LayersModel, optimizer: tf.Optimizer, threads: number): TrainStep {
  if (threads === 1) return createLocalTrainStep(model, optimizer);
  return createParallelTrainStep(model, optimizer, {
    threads,
    onFallback: (reason) => console.warn(`letters: training workers failed (${reason}); continuing on 1 thread.`),
  });
}
