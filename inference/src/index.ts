// The runtime-independent part of @letters/inference's public API: the same in Node (node.ts) and in
// browsers (browser.ts), which each add their Classifier.
export type { ClassifierBase, ClassifyOptions, Prediction, Ranked } from './classifier/classifier.ts';
export { modelImages, type ModelImages, type PixelInput } from './classifier/inputs.ts';
export { readModelInfo, type ModelInfo } from './classifier/model-info.ts';
export { runtimePackage, type Runtime } from './adapters/types.ts';

// --- preprocess: any picture of one letter into the model input (also alone as @letters/inference/preprocess)
export {
  preprocess,
  preprocessInto,
  PreprocessError,
  PREPROCESSING,
  IMAGE_SIZE,
  type PreprocessInfo,
  type RawImage,
} from './preprocess/index.ts';

// --- evaluate: accuracy, loss, per-class metrics and confusion of labelled images
export { evaluateClassifier, compareEvaluations, type Evaluation, type EvaluateOptions, type LabelledImages } from './evaluate/evaluate.ts';
export type { ClassificationMetrics, ClassMetrics } from './evaluate/metrics.ts';
