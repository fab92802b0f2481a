/**
 * Option conventions shared by the commands, written once: every option's checks live here (a number
 * out of range, a port, threads, an option given twice), so a value means the same in every command.
 * Light on purpose: commands that never touch training data (score, serve, inspect) import this
 * module without loading tfjs. The data and training options are in training-options.ts.
 */
import { availableParallelism } from 'node:os';
import { LettersError } from '@letters/contract';
import type { Runtime } from '@letters/inference';

const usage = (message: string) => new LettersError(message, { kind: 'usage' });

/** The `<model>` positional of evaluate, parity and serve. */
export const onnxModelArgument = { type: 'string', demandOption: true, describe: 'ONNX model file (from letters export)' } as const;

/**
 * `--threads`: at most the cores this machine has. More threads than cores only add memory (each
 * wasm thread has its own heap) and contention: 1000 threads took 6 GB and 15 times longer.
 */
export function threadCount(value: number | undefined): number | undefined {
  const cores = availableParallelism();
  if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= cores)) {
    throw usage(`--threads ${value}: use an integer from 1 to ${cores} (the cores this machine has)`);
  }
  return value;
}

/** yargs options shared by the commands that load a Classifier. */
export const classifierCliOptions = {
  threads: { type: 'number', coerce: threadCount, describe: 'Threads per session run (default: onnxruntime-node all cores, onnxruntime-web 1)' },
  'batch-size': { type: 'number', default: 256, describe: 'Most images per session run' },
} as const;

/** `--tolerance`: the largest accepted |difference| of any probability between two runtimes. */
export const toleranceOption = (fallback: number, describe: string) => ({ type: 'number', default: fallback, describe }) as const;

/** Checks a positive integer option, naming it in the error. */
export function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw usage(`--${name} ${value}: must be a positive integer`);
  return value;
}

/** Checks a number option against a closed range, naming it and the unit in the error. */
export function numberInRange(name: string, value: number, min: number, max: number, unit = ''): number {
  if (!(Number.isFinite(value) && value >= min && value <= max)) throw usage(`--${name} ${value}: use a number from ${min} to ${max}${unit}`);
  return value;
}

/** `--seed`: an integer (seeds of splits, weights and shuffles); NaN or 1.5 would silently mean another seed. */
export function seedOf(value: number): number {
  if (!Number.isSafeInteger(value)) throw usage(`--seed ${value}: use an integer, e.g. 42`);
  return value;
}

/** `--port`: 1-65535, or 0 (any free port) where the command prints the port it got. */
export function portOf(value: number): number {
  if (!(Number.isInteger(value) && value >= 0 && value <= 65535)) throw usage(`--port ${value}: use a port number from 1 to 65535 (0: any free port)`);
  return value;
}

/** `--host` of serve and demo: neither has authentication, so both listen on loopback only. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
export function loopbackHost(value: string): string {
  if (!LOOPBACK.has(value)) {
    throw usage(`--host ${value}: letters serves without authentication, on loopback only; use 127.0.0.1 or ::1 (behind a reverse proxy to expose it)`);
  }
  return value;
}

/** Checks `--tolerance`: a finite number >= 0. */
export function tolerance(value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw usage(`--tolerance ${value}: must be a number >= 0, e.g. 1e-4`);
  return value;
}

/**
 * Refuses an option given more than once unless it takes a list: yargs would pass an array where the
 * command expects one value (`--model a --model b`). Runs as yargs middleware, before the handler.
 */
export function checkSingleValued(argv: Record<string, unknown>, listOptions: readonly string[]): void {
  for (const [key, value] of Object.entries(argv)) {
    if (key === '_' || key === '$0' || !Array.isArray(value) || listOptions.includes(key)) continue;
    throw usage(`${key.length === 1 ? '-' : '--'}${key} given ${value.length} times: give it once`);
  }
}

/** `--runtime node|web|both` as the list of runtimes to run. */
export function runtimesOf(option: 'node' | 'web' | 'both'): Runtime[] {
  return option === 'both' ? ['node', 'web'] : [option];
}
