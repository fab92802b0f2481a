/**
 * Option conventions shared by the commands, written once. Light on purpose: commands that never
 * touch training data (score, serve, inspect) import this module without loading tfjs.
 * The data and training options are in training-options.ts.
 */
import { LettersError } from '@letters/contract';
import type { Runtime } from '@letters/inference';

/** The `<model>` positional of evaluate, parity and serve. */
export const onnxModelArgument = { type: 'string', demandOption: true, describe: 'ONNX model file (from letters export)' } as const;

/** yargs options shared by the commands that load a Classifier. */
export const classifierCliOptions = {
  threads: { type: 'number', describe: 'Threads per session run (default: onnxruntime-node all cores, onnxruntime-web 1)' },
  'batch-size': { type: 'number', default: 256, describe: 'Most images per session run' },
} as const;

/** `--tolerance`: the largest accepted |difference| of any probability between two runtimes. */
export const toleranceOption = (fallback: number, describe: string) => ({ type: 'number', default: fallback, describe }) as const;

/** Checks a positive integer option, naming it in the error. */
export function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new LettersError(`--${name} ${value}: must be a positive integer`, { kind: 'usage' });
  }
  return value;
}

/** Checks a positive number option (`--lock-seconds`, `--budget-minutes`); undefined passes through. */
export function positiveNumber(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new LettersError(`--${name} ${value}: must be a positive number`, { kind: 'usage' });
  }
  return value;
}

/** Checks `--tolerance`: a finite number >= 0. */
export function tolerance(value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new LettersError(`--tolerance ${value}: must be a number >= 0, e.g. 1e-4`, { kind: 'usage' });
  }
  return value;
}

/** `--runtime node|web|both` as the list of runtimes to run. */
export function runtimesOf(option: 'node' | 'web' | 'both'): Runtime[] {
  return option === 'both' ? ['node', 'web'] : [option];
}
