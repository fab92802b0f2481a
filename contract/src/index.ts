// Public API of @letters/contract: what every letters package agrees on. Browser-safe, no dependencies.
// File-output helpers for Node are in '@letters/contract/node'.
export {
  INPUT_NAME,
  OUTPUT_NAME,
  IMAGE_SIZE,
  LETTER_CLASS_NAMES,
  METADATA_KEYS,
  PRECISIONS,
  type Precision,
  checkContract,
} from './contract.ts';
export { argmax, compareOutputs, withinTolerance, type Comparison, type WorstInput } from './compare.ts';
export { LettersError, type LettersErrorKind, type LettersErrorOptions } from './errors.ts';
export { concatFloat32 } from './arrays.ts';
