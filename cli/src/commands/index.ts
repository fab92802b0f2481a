import type { Command } from '../command.ts';

/**
 * Every `letters` command: how it is called, what it does, and the module with its options and
 * handler, loaded only when the command runs (so `letters --help` loads none of them).
 */
export interface CommandEntry {
  /** The command and its positionals, as yargs reads them (e.g. `export <model>`). */
  readonly usage: string;
  readonly describe: string;
  readonly load: () => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    usage: 'data',
    describe: 'Get and inspect datasets (EMNIST, Binary AlphaDigits, fixtures)',
    load: async () => (await import('./data.ts')).data,
  },
  {
    usage: 'train',
    describe: 'Train a model (dense, convnet, tuned or an experiment config), evaluate it on the test split and save it',
    load: async () => (await import('./train.ts')).train,
  },
  {
    usage: 'tune',
    describe: 'Train every variant of a grid on the same split and budget; write the ranked table and save the best model',
    load: async () => (await import('./tune.ts')).tune,
  },
  {
    usage: 'worker',
    describe: 'Train the runs `letters tune --queue` or `letters pipeline --queue` put on a Redis queue (BullMQ), on any number of machines',
    load: async () => (await import('./worker.ts')).worker,
  },
  {
    usage: 'transfer',
    describe:
      'Transfer an EMNIST Letters model to Binary AlphaDigits: zero-shot, feature extraction, fine-tuning and scratch, by k-fold cross-validation',
    load: async () => (await import('./transfer.ts')).transfer,
  },
  {
    usage: 'export <model>',
    describe: 'Export a trained model directory to ONNX, verified against tfjs before it is written',
    load: async () => (await import('./export.ts')).exportCommand,
  },
  {
    usage: 'quantize <model>',
    describe: 'Make an int8 (QDQ or dynamic) or float16 version of an exported model, verified against it on test images before it is written',
    load: async () => (await import('./quantize.ts')).quantize,
  },
  {
    usage: 'inspect <file>',
    describe: 'Summarize an ONNX file: inputs, outputs, ops, nodes, metadata, parameter count',
    load: async () => (await import('./inspect.ts')).inspect,
  },
  {
    usage: 'evaluate <model>',
    describe: 'Accuracy, loss, per-class precision and recall, confusion matrix and throughput of an ONNX model on a dataset',
    load: async () => (await import('./evaluate.ts')).evaluate,
  },
  {
    usage: 'parity <models..>',
    describe: 'Run the same inputs through onnxruntime-node, onnxruntime-web and (with --tfjs) tfjs, and compare the probabilities; with --browser or one file per precision, also Chromium wasm and WebGPU, as one table',
    load: async () => (await import('./parity.ts')).parity,
  },
  {
    usage: 'score <inputs..>',
    describe: 'Classify image files (PNG, JPEG, WebP, TIFF, GIF) from files, directories or globs into CSV or JSONL rows',
    load: async () => (await import('./score.ts')).score,
  },
  {
    usage: 'serve <model>',
    describe: 'HTTP prediction service on loopback: POST /predict (an image body, or JSON {"images": [base64...]}), GET /health',
    load: async () => (await import('./serve.ts')).serve,
  },
  {
    usage: 'personalize',
    describe: 'Fine-tune an ONNX model on your own labelled drawings (a folder per letter) and write the personalized model',
    load: async () => (await import('./personalize.ts')).personalize,
  },
  {
    usage: 'pipeline',
    describe:
      'Run the whole study: data, baselines, tuning, tuned model, transfer, ONNX export, evaluation and parity on both runtimes, report',
    load: async () => (await import('./pipeline.ts')).pipeline,
  },
  {
    usage: 'report',
    describe: "Write the study's report again from a finished pipeline run",
    load: async () => (await import('./report.ts')).report,
  },
  {
    usage: 'demo',
    describe: 'Serve the web demo: draw a letter, classify it in the browser (offline)',
    load: async () => (await import('./demo.ts')).demo,
  },
];
