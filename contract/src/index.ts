// Public API of @letters/contract: what every letters package agrees on. Browser-safe, no dependencies.
// File helpers for Node (atomic writes, bounded reads) are in '@letters/contract/node'.
export {
  INPUT_NAME,
  OUTPUT_NAME,
  IMAGE_SIZE,
  LETTER_CLASS_NAMES,
  MAX_ONNX_BYTES,
  METADATA_KEYS,
  PRECISIONS,
  type Precision,
  checkContract,
} from './contract.ts';
export { accuracyOf, argmax, compareOutputs, withinTolerance, type Comparison, type WorstInput } from './compare.ts';
export { LettersError, type LettersErrorKind, type LettersErrorOptions } from './errors.ts';
export { concatFloat32 } from './arrays.ts';
export { mulberry32, shuffle } from './random.ts';
