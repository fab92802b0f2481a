export {
  experimentSchema,
  settingsSchema,
  describeIssues,
  type ExperimentConfig,
  type ExperimentSettings,
  type TrainingSettings,
} from './config.ts';
export { PRESETS, PRESET_NAMES, CHOLLET_TRAINING, type PresetName } from './presets.ts';
export { readGrid, parseGrid, readExperimentFile, DEFAULT_GRID_FILE, BASELINE, type Grid } from './grid.ts';
export { runExperiment, checkClassCount, type RunOptions, type ExperimentResult } from './run.ts';
export {
  tune,
  rankResults,
  describeChanges,
  describeBudget,
  tuneMarkdown,
  tuneColumns,
  variantDir,
  type TuneOptions,
  type TuneBudget,
  type TuneRow,
  type TuneReport,
} from './tune.ts';
export {
  reproduceSeedTable,
  seedTableMarkdown,
  seedTableColumns,
  defaultLettersDataset,
  SEED_TASKS,
  type SeedTableRow,
  type SeedTableOptions,
} from './seed-table.ts';
