export type { Batch, StepResult, TrainStep, CreateTrainStep } from './train-step.ts';
export {
  initBackend,
  describeBackend,
  backendOptions,
  backendChoices,
  type BackendInfo,
  type BackendOptions,
  type BackendChoice,
} from './backend.ts';
export { registerWasmTrainingKernels } from './kernels/index.ts';
export { createLocalTrainStep as createTrainStep } from './local-train-step.ts';
