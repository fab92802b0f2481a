export { fit, type FitOptions, type FitResult } from './fit.ts';
export {
  type Callback,
  type BatchLog,
  type TrainingState,
  type CallbackState,
  type ResumableCallback,
  type Monitor,
} from './callback.ts';
export { History, type EpochLog, type TrainingHistory } from './history.ts';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.ts';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.ts';
export { ProgressBar, type ProgressBarOptions } from './progress.ts';
export { TimeLimit } from './time-limit.ts';
export { LearningRateScheduler, scheduledRate, type ScheduleConfig } from './schedules.ts';
export { OPTIMIZERS, createOptimizer, getLearningRate, setLearningRate, type OptimizerName, type OptimizerConfig } from './optimizers.ts';
export { augmentBatch, randomAffine, warpImage, type AugmentationConfig, type InverseAffine } from './augment.ts';
export { gatherBatch } from './batches.ts';
export { evaluateModel } from './evaluate.ts';
export { removeResumeCheckpoint, type ResumeOptions } from './resume.ts';
