// Public API of @letters/export/personalize: teach a letters model a user's handwriting from a few drawings.
// Browser-safe (no Node modules): the web demo's Teach mode and `letters personalize` run this same code,
// each on its onnxruntime (PersonalizeRuntime).
export {
  personalize,
  accuracy,
  PERSONALIZE_DEFAULTS,
  type PersonalizeOptions,
  type PersonalizeResult,
  type PersonalizeRuntime,
  type Predictor,
  type TrainableLayers,
} from './personalize.ts';
export { fineTune, REHEARSAL_IMAGES, REHEARSAL_RATIO, type FineTuneOptions, type FineTuneProgress, type StepTrainer } from './fine-tune.ts';
export { personalizedModel, readPersonalization, modelWeights, sha256Hex, type Personalization } from './model-file.ts';
export { checkSamples, splitHeldOut, letterCounts, letterLabel, letterName, MIN_SAMPLES_PER_LETTER, type Sample, type SampleSplit } from './samples.ts';
export { ortTrainer, lastLayers } from './ort-trainer.ts';
