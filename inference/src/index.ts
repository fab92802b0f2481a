// Public API of @letters/inference. Each area adds its exports in its own section.

// --- classifier: one model on onnxruntime-node or onnxruntime-web, top-k predictions
export * from './classifier/index.ts';

// --- adapters: the thin per-runtime sessions
export { RUNTIMES, createSession, type Runtime, type RuntimeSession, type SessionOptions } from './adapters/index.ts';

// --- preprocess: also exported alone, browser-safe, as @letters/inference/preprocess
export * from './preprocess/index.ts';

// --- evaluate

// --- parity

// --- score

// --- serve

// --- pipeline
