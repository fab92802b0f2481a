import { currentBackend } from './backend.ts';
import { createLocalTrainStep } from './local-train-step.ts';
import { createParallelTrainStep } from './parallel-train-step.ts';
import type { CreateTrainStep } from './train-step.ts';

/**
 * The training step for the backend initBackend selected: data-parallel worker threads for wasm
 * with threads > 1, else a step in this thread (tfjs-node and cpu manage their own threads).
 */
export const createTrainStep: CreateTrainStep = (model, optimizer) => {
  const backend = currentBackend();
  if (backend?.name !== 'wasm' || backend.threads === 1) return createLocalTrainStep(model, optimizer);
  return createParallelTrainStep(model, optimizer, {
    threads: backend.threads,
    onFallback: (reason) => console.warn(`letters: training workers failed (${reason}); continuing on 1 thread.`),
  });
};
