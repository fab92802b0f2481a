export type { Batch, StepResult, TrainStep, CreateTrainStep } from './train-step.ts';
export {
  initBackend,
  currentBackend,
  describeBackend,
  backendChoices,
  defaultTrainingThreads,
  type BackendInfo,
  type BackendOptions,
  type BackendChoice,
} from './backend.ts';
export { registerWasmTrainingKernels } from './kernels/index.ts';
export { createTrainStep, trainStepThreads } from './create-train-step.ts';
