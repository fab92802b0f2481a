export {
  experimentSchema,
  settingsSchema,
  describeIssues,
  type ExperimentConfig,
  type ExperimentSettings,
  type TrainingSettings,
} from './config.ts';
export { PRESETS, PRESET_NAMES, CHOLLET_TRAINING, type PresetName } from './presets.ts';
export { readGrid, parseGrid, readExperimentFile, DEFAULT_GRID_FILE, BASELINE, COMBINED, type Grid, type Convergence } from './grid.ts';
export { runExperiment, checkClassCount, type RunOptions, type ExperimentResult } from './run.ts';
export {
  tune,
  planRuns,
  localRuns,
  trainRun,
  runSeeds,
  describePlan,
  tuneMarkdown,
  type GridRun,
  type RunGridRuns,
  type TuneOptions,
  type TuneReport,
} from './tune.ts';
export {
  summarizeVariants,
  helpfulVariants,
  combineVariants,
  describeChanges,
  describeEffects,
  effectsChart,
  effectsAxisLimit,
  convergedEpoch,
  tuneColumns,
  type TuneRow,
  type VariantRuns,
} from './tune-summary.ts';
export {
  reproduceSeedTable,
  seedTableMarkdown,
  seedTableColumns,
  defaultLettersDataset,
  SEED_TASKS,
  type SeedTableRow,
  type SeedTableOptions,
} from './seed-table.ts';
export { budgetPlan, planBudget, probeEpochSeconds, describeBudgetPlan, tuningSample, type BudgetPlan } from './budget.ts';
