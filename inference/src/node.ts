// Public API of @letters/inference in Node: the Classifier on onnxruntime-node (or onnxruntime-web),
// reading image files and encoded bytes; runtime parity and batch scoring of files.
export * from './index.ts';
export { Classifier, type ClassifierInput, type ClassifierOptions } from './classifier/node.ts';
export { decodeImage, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, type DecodeLimits } from './classifier/decode.ts';
export { checkRuntimeParity, seededImages, type ParityInputs, type ParityOptions, type ParityResult, type ReferenceOutputs } from './parity/parity.ts';
export { scoreFiles, type ScoreOptions, type ScoreResult } from './score/score.ts';
