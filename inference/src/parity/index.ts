export { checkRuntimeParity, seededImages, type ParityInputs, type ParityOptions, type ParityResult } from './parity.ts';
export { compareOutputs, type Comparison, type WorstInput } from './compare.ts';
export { parityCommand, PARITY_FAILED_EXIT_CODE } from './command.ts';
