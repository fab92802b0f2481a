/**
 * The declarative description of a network: every architecture the experiments try is one of these.
 * It is plain JSON so that it can live in a grid file and be stored beside the model (config.json).
 */

export const ARCHITECTURES = ['dense', 'convnet'] as const;
export const ACTIVATIONS = ['relu', 'elu', 'selu', 'leakyReLU', 'tanh'] as const;
export const INITIALIZERS = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'leCunUniform',
  'leCunNormal',
] as const;
export const BATCH_NORM_PLACEMENTS = ['off', 'beforeActivation', 'afterActivation'] as const;
export const POOLINGS = ['max', 'average', 'strided'] as const;
export const PADDINGS = ['valid', 'same'] as const;

export type Architecture = (typeof ARCHITECTURES)[number];
export type Activation = (typeof ACTIVATIONS)[number];
export type Initializer = (typeof INITIALIZERS)[number];
export type BatchNormPlacement = (typeof BATCH_NORM_PLACEMENTS)[number];
/** How a convnet halves its feature maps between blocks: a 2x2 pool or a learned 2x2 stride-2 convolution. */
export type Pooling = (typeof POOLINGS)[number];
/** 'valid' shrinks each 3x3 conv's output by 2 pixels (Chollet's convnet); 'same' keeps the size. */
export type Padding = (typeof PADDINGS)[number];

export interface ModelConfig {
  /** 'dense': flattened pixels into dense layers; 'convnet': conv blocks, then dense layers. */
  readonly architecture: Architecture;
  /** Filters of each conv block; the feature maps are halved between blocks (convnet only). */
  readonly filters: readonly number[];
  /** Conv layers per block (conv depth); Chollet's convnet has 1. */
  readonly convsPerBlock: number;
  readonly padding: Padding;
  /** Units of each hidden dense layer, before the softmax layer. */
  readonly denseUnits: readonly number[];
  readonly activation: Activation;
  /** Initializer of every conv and dense kernel. */
  readonly initializer: Initializer;
  /** Batch normalization after each hidden conv/dense layer, before or after its activation. */
  readonly batchNorm: BatchNormPlacement;
  readonly pooling: Pooling;
  /** L2 penalty on every kernel (0: off). */
  readonly l2: number;
  /** Dropout rates after each conv block's downsampling and after each hidden dense layer (0: off). */
  readonly dropout: { readonly conv: number; readonly dense: number };
}

/** Chollet's dense MNIST network: Dense 512 relu -> Dense softmax. */
export const DENSE_MODEL: ModelConfig = {
  architecture: 'dense',
  filters: [],
  convsPerBlock: 1,
  padding: 'valid',
  denseUnits: [512],
  activation: 'relu',
  initializer: 'glorotUniform',
  batchNorm: 'off',
  pooling: 'max',
  l2: 0,
  dropout: { conv: 0, dense: 0 },
};

/**
 * Chollet's MNIST convnet: Conv 32, MaxPool, Conv 64, MaxPool, Conv 64, Flatten, Dense 64, Dense softmax
 * (3x3 kernels, valid padding, relu).
 */
export const CONVNET_MODEL: ModelConfig = {
  ...DENSE_MODEL,
  architecture: 'convnet',
  filters: [32, 64, 64],
  denseUnits: [64],
};

/**
 * Side of the feature maps after the conv blocks for a square input (0 or less: the network
 * shrinks the image to nothing, which the config validation reports).
 */
export function convOutputSize(config: Pick<ModelConfig, 'filters' | 'convsPerBlock' | 'padding'>, inputSize = 28): number {
  let size = inputSize;
  config.filters.forEach((_, block) => {
    if (config.padding === 'valid') size -= 2 * config.convsPerBlock;
    if (block < config.filters.length - 1) size = Math.floor(size / 2);
  });
  return size;
}
