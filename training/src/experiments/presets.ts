import { CONVNET_MODEL, DENSE_MODEL } from '../models/config.ts';
import type { ExperimentConfig, TrainingSettings } from './config.ts';

/** Chollet's training setup: rmsprop at Keras' default rate, 5 epochs, nothing else. */
export const CHOLLET_TRAINING: TrainingSettings = {
  optimizer: 'rmsprop',
  learningRate: 0.001,
  schedule: { kind: 'constant' },
  augmentation: false,
  earlyStopping: false,
  epochs: 5,
  batchSize: 128,
};

/** The baselines (Chollet's networks) and the tuned model, by the names `letters train --model` accepts. */
export const PRESETS = {
  /** Chollet's dense MNIST network (batch 128). */
  dense: { name: 'dense', ...DENSE_MODEL, ...CHOLLET_TRAINING },
  /** Chollet's MNIST convnet (batch 64, as in the book). */
  convnet: { name: 'convnet', ...CONVNET_MODEL, ...CHOLLET_TRAINING, batchSize: 64 },
  /**
   * The convnet with the techniques that help combined: a wider last block and dense layer, batch
   * norm, He initialization, light dropout, augmentation, Adam with a decaying rate, and early
   * stopping on the validation loss (restoring the best epoch). About the convnet's cost per image.
   */
  tuned: {
    name: 'tuned',
    ...CONVNET_MODEL,
    filters: [32, 64, 128],
    denseUnits: [128],
    initializer: 'heNormal',
    batchNorm: 'beforeActivation',
    dropout: { conv: 0.1, dense: 0.3 },
    optimizer: 'adam',
    learningRate: 0.002,
    schedule: { kind: 'exponential', rate: 0.85 },
    augmentation: { rotation: 8, shift: 0.06, zoom: 0.08, shear: 8 },
    earlyStopping: { patience: 3, restoreBestWeights: true },
    epochs: 15,
    batchSize: 128,
  },
} as const satisfies Record<string, ExperimentConfig>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
