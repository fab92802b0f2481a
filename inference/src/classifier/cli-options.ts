import { LettersError } from '@letters/training';
import type { Runtime } from '../adapters/index.ts';

/** The `<model>` positional of evaluate, parity and serve. */
export const onnxModelArgument = { type: 'string', demandOption: true, describe: 'ONNX model file (from letters export)' } as const;

/** yargs options shared by the commands that load a Classifier. */
export const classifierCliOptions = {
  threads: { type: 'number', describe: 'Threads per session run (default: onnxruntime-node all cores, onnxruntime-web 1)' },
  'batch-size': { type: 'number', default: 256, describe: 'Most images per session run' },
} as const;

/** Checks a positive integer option, naming it in the error. */
export function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new LettersError(`--${name} ${value}: must be a positive integer`, { exitCode: 2 });
  }
  return value;
}

/** `--runtime node|web|both` as the list of runtimes to run. */
export function runtimesOf(option: string): Runtime[] {
  return option === 'both' ? ['node', 'web'] : [option as Runtime];
}
