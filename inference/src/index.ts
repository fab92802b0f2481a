// Public API of @letters/inference. Each area adds its exports in its own section.
import type { LettersCommand } from '@letters/training';
import { evaluateCommand } from './evaluate/index.ts';
import { parityCommand } from './parity/index.ts';
import { scoreCommand } from './score/index.ts';
import { serveCommand } from './serve/index.ts';

// --- classifier: one model on onnxruntime-node or onnxruntime-web, top-k predictions
export * from './classifier/index.ts';

// --- adapters: the thin per-runtime sessions
export { RUNTIMES, createSession, type Runtime, type RuntimeSession, type SessionOptions } from './adapters/index.ts';

// --- preprocess: also exported alone, browser-safe, as @letters/inference/preprocess
export * from './preprocess/index.ts';

// --- evaluate
export * from './evaluate/index.ts';

// --- parity
export * from './parity/index.ts';

// --- score
export * from './score/index.ts';

// --- serve
export * from './serve/index.ts';

/** evaluate, parity, score, serve: the inference commands of the `letters` CLI. */
export const inferenceCommands: LettersCommand = (cli) =>
  serveCommand(scoreCommand(parityCommand(evaluateCommand(cli))));

// --- pipeline: the whole study end to end, and its report
export * from './pipeline/index.ts';
