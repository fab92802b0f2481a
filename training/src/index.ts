// Public API of @letters/training: data, models, the training engine, fit, experiments, transfer, and the
// charts and tables their reports use. The error type is @letters/contract's LettersError.

// --- data: datasets by name, the official download, inspection, splits
export type { ImageSet, DatasetSplits, DatasetSource } from './data/types.ts';
export {
  DATASET_NAMES,
  DATASET_DEFAULTS,
  DEFAULT_FIXTURES_DIR,
  listDatasets,
  loadDataset,
  hashSplits,
  type LoadDatasetOptions,
} from './data/registry.ts';
export { DATA_DIR_ENV, resolveDataDir } from './data/data-dir.ts';
export { DATA_LIMITS } from './data/limits.ts';
export { DataNotFoundError } from './common/errors.ts';
export { EMNIST_GZIP_URL, LETTERS_FILES, fetchEmnist, type FetchOptions, type FetchResult } from './data/fetch.ts';
export { classCountTable, inspectDataset, type ClassCount, type InspectOptions, type InspectResult } from './data/inspect.ts';
export { findLeakage, type LeakageReport } from './data/leakage.ts';
export { stratifiedKFold, stratifiedSample, stratifiedSplit, subsetImageSet, type Fold } from './data/split.ts';
export { resizeWithPad } from './data/resize.ts';
export { FIXTURE_FILES } from './data/fixtures/layout.ts';

// --- models: architectures and the model folder (model.json, weights.bin and what was learned about it)
export {
  ACTIVATIONS,
  BATCH_NORM_PLACEMENTS,
  CONVNET_MODEL,
  DENSE_MODEL,
  INITIALIZERS,
  PADDINGS,
  POOLINGS,
  type Activation,
  type Architecture,
  type BatchNormPlacement,
  type Initializer,
  type ModelConfig,
  type Padding,
  type Pooling,
} from './models/config.ts';
export { buildModel, type BuildOptions } from './models/build.ts';
export { loadModel, readModelExtras, saveModel, saveModelExtra, type EvaluationMetrics, type ModelExtras } from './models/io.ts';

// --- engine: backends and the training step
export {
  backendChoices,
  defaultTrainingThreads,
  describeBackend,
  initBackend,
  type BackendChoice,
  type BackendInfo,
  type BackendOptions,
} from './engine/backend.ts';
export { createTrainStep } from './engine/create-train-step.ts';
export type { Batch, CreateTrainStep, StepResult, TrainStep } from './engine/train-step.ts';

// --- fit: the training loop, callbacks, optimizers, augmentation
export { fit, type FitOptions, type FitResult } from './fit/fit.ts';
export type { Callback, EpochLog, TrainingHistory } from './fit/index.ts';
export { EarlyStopping, History, LearningRateScheduler, ModelCheckpoint, ProgressBar, TimeLimit } from './fit/index.ts';
export { OPTIMIZERS, createOptimizer, type OptimizerConfig, type OptimizerName } from './fit/optimizers.ts';
export type { AugmentationConfig } from './fit/augment.ts';
export { evaluateModel } from './fit/evaluate.ts';

// --- experiments: presets, grids, tuning and the seed table
export type { ExperimentConfig, ExperimentSettings } from './experiments/config.ts';
export { PRESETS, PRESET_NAMES, type PresetName } from './experiments/presets.ts';
export { BASELINE, COMBINED, DEFAULT_GRID_FILE, readExperimentFile, readGrid, type Grid } from './experiments/grid.ts';
export { checkClassCount, runExperiment, type ExperimentResult, type RunOptions } from './experiments/run.ts';
export {
  describePlan,
  localRuns,
  planRuns,
  runSeeds,
  trainRun,
  tune,
  type GridRun,
  type RunGridRuns,
  type TuneOptions,
  type TuneReport,
} from './experiments/tune.ts';
export { describeEffects, effectsChart, tuneColumns, type TuneRow } from './experiments/tune-summary.ts';
export { budgetPlan, describeBudgetPlan, tuningSample, type BudgetPlan } from './experiments/budget.ts';
export { defaultLettersDataset, reproduceSeedTable, seedTableColumns, type SeedTableOptions, type SeedTableRow } from './experiments/seed-table.ts';

// --- transfer: an EMNIST model to Binary AlphaDigits
export { TRANSFER_METHODS, type TransferMethod } from './transfer/methods.ts';
export { DEFAULT_AUGMENTATION, TRANSFER_DEFAULTS, runTransfer, type TransferOptions } from './transfer/run.ts';
export { loadTransferData } from './transfer/data.ts';
export { TRANSFER_COLUMNS, type TransferReport } from './transfer/report.ts';
export { foldLabel, trainFoldRun, type FoldResult, type FoldRun, type RunFolds, type TransferRow } from './transfer/cross-validate.ts';

// --- charts, tables and progress bars, as the reports and commands draw them
export { barChart, confusionMatrixChart, imageGrid, trainingCurves, writeChart, type Chart } from './charts/index.ts';
export { markdownTable, progressBar, terminalTable, type Column, type Progress } from './common/index.ts';

// --- statistics over seeds: means, spreads and 95% t intervals
export {
  excludesZero,
  mean,
  meanInterval,
  pairedDifference,
  standardDeviation,
  studentTCdf,
  studentTQuantile,
  type Interval,
} from './common/statistics.ts';
