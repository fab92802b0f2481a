export {
  Classifier,
  type ClassifierOptions,
  type ClassifyOptions,
  type Prediction,
  type Ranked,
} from './classifier.ts';
export { type ClassifierInput, type ModelImages, modelImages } from './inputs.ts';
export { decodeImage, type DecodeLimits, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS } from './decode.ts';
export { readModelInfo, type ModelInfo } from './model-info.ts';
