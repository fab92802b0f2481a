import * as ort from 'onnxruntime-web/wasm';
import { Classifier } from '@letters/inference';
import { ortTrainer, type PersonalizeRuntime } from '@letters/export/personalize';
import type { RuntimeInfo } from '../runtime.ts';

/**
 * Teach mode on onnxruntime-web in this page: the training steps and the held-out accuracy run on its
 * WebAssembly backend (threads when the page is cross-origin isolated), the same build the Classifier
 * uses, so the environment the page set up (wasm paths, threads) applies to both.
 */
export function webPersonalizeRuntime(runtime: RuntimeInfo): PersonalizeRuntime {
  return {
    trainer: (model, options) => ortTrainer(ort, model, { ...options, sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } }),
    predictor: (model) => Classifier.create(model, { wasmPaths: runtime.wasmPaths, threads: runtime.threads }),
  };
}
