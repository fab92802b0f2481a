import * as tf from '@tensorflow/tfjs';
import { LettersError } from '../common/index.ts';
import { createRandom } from '../data/random.ts';
import { loadModel } from '../models/index.ts';

export const TRANSFER_METHODS = ['zero-shot', 'feature-extraction', 'fine-tune', 'scratch'] as const;
export type TransferMethod = (typeof TRANSFER_METHODS)[number];

/** What each method trains, and how. */
export interface MethodPlan {
  readonly method: TransferMethod;
  /** Start from the base model's weights, or from a random initialization of its architecture. */
  readonly init: 'base' | 'random';
  /** Conv/Dense layers trained, counted from the output (everything above the lowest of them too); 0: none, 'all': every layer. */
  readonly trainLayers: number | 'all';
  readonly learningRate: number;
  readonly epochs: number;
}

export interface PlanOptions {
  readonly epochs: number;
  /** Conv/Dense layers the fine-tune method unfreezes, from the top (default: all of them). */
  readonly fineTuneLayers?: number;
  /** Learning rate of feature extraction and scratch (Adam). */
  readonly learningRate: number;
  /** Learning rate of fine-tuning: lower, so the EMNIST features move only a little. */
  readonly fineTuneLearningRate: number;
}

/** The layer kinds that carry learned weights and count as "layers" for freezing. */
const LEARNED = new Set(['Conv2D', 'Dense']);

/** The plan of one method on a base model: which layers train, from which weights, how fast. */
export function planMethod(method: TransferMethod, base: tf.LayersModel, options: PlanOptions): MethodPlan {
  const common = { method, epochs: options.epochs };
  switch (method) {
    case 'zero-shot':
      return { ...common, init: 'base', trainLayers: 0, learningRate: 0, epochs: 0 };
    case 'feature-extraction':
      // Every conv layer frozen: the dense layers above the last conv layer are the head.
      return { ...common, init: 'base', trainLayers: headLayers(base), learningRate: options.learningRate };
    case 'fine-tune':
      return { ...common, init: 'base', trainLayers: options.fineTuneLayers ?? 'all', learningRate: options.fineTuneLearningRate };
    case 'scratch':
      return { ...common, init: 'random', trainLayers: 'all', learningRate: options.learningRate };
  }
}

/** Conv/Dense layers of a model, bottom to top. */
export function learnedLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((layer) => LEARNED.has(layer.getClassName()));
}

/** Dense layers above the last conv layer (all of them for a dense network). */
function headLayers(model: tf.LayersModel): number {
  const learned = learnedLayers(model);
  const lastConv = learned.findLastIndex((layer) => layer.getClassName() === 'Conv2D');
  return learned.length - 1 - lastConv;
}

/**
 * Checks that a base model fits the transfer: 28x28x1 images in, 27 Letters classes out.
 * Throws a LettersError naming the model directory before any training starts.
 */
export function checkBaseModel(model: tf.LayersModel, dir: string, fineTuneLayers?: number): void {
  const input = model.inputs[0]!.shape;
  const output = model.outputs[0]!.shape;
  if (model.inputs.length !== 1 || input.length !== 4 || input[1] !== 28 || input[2] !== 28 || input[3] !== 1) {
    throw new LettersError(`--base ${dir}: the model's input is ${shapeText(input)}; transfer needs 28x28x1 images ([null, 28, 28, 1]), as EMNIST models take`);
  }
  if (model.outputs.length !== 1 || output.length !== 2 || output[1] !== 27) {
    throw new LettersError(`--base ${dir}: the model's output is ${shapeText(output)}; transfer needs the 27 Letters classes ([null, 27], class 0 unused): train the base on a Letters dataset`);
  }
  const learned = learnedLayers(model).length;
  if (fineTuneLayers !== undefined && !(Number.isInteger(fineTuneLayers) && fineTuneLayers >= 1 && fineTuneLayers <= learned)) {
    throw new LettersError(`--fine-tune-layers ${fineTuneLayers}: the base model has ${learned} conv/dense layers; use 1 to ${learned}`);
  }
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.map(String).join(', ')}]`;

/**
 * A fresh model for one method and fold: the base's weights (reloaded, so folds never share
 * state) or its architecture re-initialized from `seed`, with the layers the plan does not train frozen.
 */
export async function prepareModel(plan: MethodPlan, baseDir: string, seed: number): Promise<tf.LayersModel> {
  const model = plan.init === 'base' ? await loadModel(baseDir) : await reinitialized(await loadModel(baseDir), seed);
  freezeBelow(model, plan.trainLayers);
  holdFrozenBatchNorm(model);
  return model;
}

/** Whether the model has a frozen BatchNormalization layer (which then runs in inference mode). */
export function hasFrozenBatchNorm(model: tf.LayersModel): boolean {
  return model.layers.some((layer) => layer.getClassName() === 'BatchNormalization' && !layer.trainable);
}

/**
 * Frozen BatchNormalization layers normalize with their moving statistics and leave them alone,
 * as Keras runs them. tfjs would run them in training mode like every other layer: normalize
 * each batch by its own statistics and keep updating the moving ones, so a "frozen" base drifts.
 * The override lives on the layer instance, not in the saved topology: only this process's
 * training step honours it (see trainFold).
 */
function holdFrozenBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization' || layer.trainable) continue;
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  }
}

/** Trains only the top `count` Conv/Dense layers and everything above the lowest of them. */
function freezeBelow(model: tf.LayersModel, count: number | 'all'): void {
  const learned = learnedLayers(model);
  const lowest = count === 'all' ? model.layers[0] : learned[learned.length - count];
  const from = lowest === undefined ? model.layers.length : model.layers.indexOf(lowest);
  model.layers.forEach((layer, i) => {
    layer.trainable = i >= from;
  });
}

/**
 * The same architecture with fresh weights: rebuilt from the model's topology, each initializer
 * given its own seed drawn from `seed` (the topology keeps the base's initializers and seeds).
 */
async function reinitialized(model: tf.LayersModel, seed: number): Promise<tf.LayersModel> {
  const random = createRandom(seed);
  const topology = JSON.parse(JSON.stringify(model.toJSON(null, false))) as ModelTopology;
  model.dispose();
  reseedInitializers(topology, () => random.int(2 ** 31));
  return tf.models.modelFromJSON({ modelTopology: topology });
}

type ModelTopology = Extract<Parameters<typeof tf.models.modelFromJSON>[0], { modelTopology: unknown }>['modelTopology'];

/** Initializers that draw random numbers (not Zeros, Ones, Constant, Identity). */
const RANDOM_INITIALIZER = /Uniform|Normal|VarianceScaling|Orthogonal/;

function reseedInitializers(node: unknown, nextSeed: () => number): void {
  if (Array.isArray(node)) {
    for (const item of node) reseedInitializers(item, nextSeed);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      const initializer = value as { class_name?: string; config?: Record<string, unknown> } | null;
      const random = RANDOM_INITIALIZER.test(initializer?.class_name ?? '') && initializer?.config;
      if (key.endsWith('initializer') && random) random.seed = nextSeed();
      else reseedInitializers(value, nextSeed);
    }
  }
}
