import * as ort from 'onnxruntime-node';
import { ortTrainer, type PersonalizeRuntime } from '@letters/export/personalize';
import { Classifier } from '@letters/inference';

/** `letters personalize` on onnxruntime-node: training steps and accuracy on its native CPU kernels. */
export function nodePersonalizeRuntime(threads?: number): PersonalizeRuntime {
  const sessionOptions = { executionProviders: ['cpu'], ...(threads === undefined ? {} : { intraOpNumThreads: threads }) };
  return {
    trainer: (model, options) => ortTrainer(ort, model, { ...options, sessionOptions }),
    predictor: (model) => Classifier.create(model, { runtime: 'node', threads }),
  };
}
