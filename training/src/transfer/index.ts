export { TRANSFER_METHODS, checkBaseModel, planMethod, prepareModel, learnedLayers, type TransferMethod, type MethodPlan, type PlanOptions } from './methods.ts';
export { loadTransferData, type TransferData } from './data.ts';
export {
  crossValidate,
  trainFold,
  trainFoldRun,
  foldLabel,
  type TransferRow,
  type CrossValidateOptions,
  type FoldRun,
  type FoldResult,
  type RunFolds,
} from './cross-validate.ts';
export { runTransfer, TRANSFER_DEFAULTS, DEFAULT_AUGMENTATION, type TransferOptions } from './run.ts';
export { writeTransferReport, transferMarkdown, TRANSFER_COLUMNS, type TransferReport } from './report.ts';
