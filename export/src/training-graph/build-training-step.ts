import * as tf from '@tensorflow/tfjs';
import { INPUT_NAME, LettersError, OUTPUT_NAME } from '@letters/contract';
import { convertToOnnx, IR_VERSION, layerChain, OPSET_VERSION } from '../convert/to-onnx.ts';
import type { TrainingExtras } from '../convert/context.ts';
import { floatValueInfo, GraphBuilder, intAttr, intsAttr } from '../onnx/graph-builder.ts';
import { DataType, type OnnxModel, type OnnxValueInfo } from '../onnx/schema.ts';
import { differentiate } from './autodiff.ts';
import { GradientContext } from './gradients/index.ts';
import { softmaxCrossEntropy } from './loss.ts';
import { floatValues } from './weights.ts';
import { optimizerUpdate, type OptimizerSpec } from './optimizers.ts';
import { inferShapes, type Shape } from './shapes.ts';

export interface TrainingStepOptions {
  readonly optimizer: OptimizerSpec;
  /**
   * What to train: 'all' (default) or the names of layers (the part of an initializer's name before its
   * last '/', as the exporter writes them: `dense1/kernel`). For a tfjs model, 'all' means its trainable
   * weights (layers with `trainable = false` stay frozen).
   */
  readonly trainable?: 'all' | readonly string[];
  /** For a tfjs model whose input is a flat vector: the image [height, width, channels] (as for export). */
  readonly imageShape?: readonly [number, number, number];
}

/** A tensor carried from one step to the next: fed as `input`, returned updated as `output`. */
export interface StateTensor {
  readonly input: string;
  readonly output: string;
  readonly dims: readonly number[];
  /** `weight`: trained; `slot`: the optimizer's state for a weight; `running`: BatchNormalization's running statistics. */
  readonly role: 'weight' | 'slot' | 'running';
  /** The weight's name in the ONNX model (for a slot, the weight it belongs to). */
  readonly weight: string;
  /** A slot's tfjs name suffix (rms, momentum, m, v). */
  readonly slot?: string;
  /** The value before the first step (zeros for slots). */
  readonly initial: Float32Array;
  /** Built from a tfjs model: the index of this weight in `model.weights`, and how its axes map to ONNX's (Conv kernels). */
  readonly tfjs?: { readonly index: number; readonly perm?: readonly number[] };
}

/** One training step as an ONNX graph: forward pass, gradients, optimizer update. */
export interface TrainingStepGraph {
  readonly model: OnnxModel;
  /** Inputs: NHWC float32 images [N, h, w, c], int64 labels [N], the learning rate and the 1-based step number (float scalars). */
  readonly inputs: { readonly images: string; readonly labels: string; readonly learningRate: string; readonly step: string };
  readonly imageShape: readonly [number, number, number];
  /** Dropout noise inputs: uniform [0, 1) values of these shapes (null: the batch), fresh every step. */
  readonly noise: readonly { readonly input: string; readonly shape: readonly (number | null)[] }[];
  /** Weights, then optimizer slots, then running statistics. */
  readonly state: readonly StateTensor[];
  /** Outputs: mean cross-entropy plus L2 penalties, and the fraction of the batch classified right (scalars). */
  readonly outputs: { readonly loss: string; readonly accuracy: string };
}

export const TRAINING_INPUTS = { images: INPUT_NAME, labels: 'labels', learningRate: 'learning_rate', step: 'step' } as const;

/** The layer a weight belongs to: its name up to the last '/'. */
const layerOf = (weight: string) => weight.slice(0, Math.max(0, weight.lastIndexOf('/')));

/** Ops whose non-first inputs are weights when they are float initializers. */
const weightConsumers = new Set(['Conv', 'Gemm', 'MatMul', 'BatchNormalization', 'Add', 'Mul']);

interface Source {
  model: OnnxModel;
  extras: TrainingExtras;
  /** tfjs models: the weights to train, L2 penalties and where each ONNX weight is in model.weights. */
  tfjs?: { trainable: Set<string>; l2: Map<string, number>; layout: Map<string, { index: number; perm?: number[] }> };
}

function fromTfjs(model: tf.LayersModel, options: TrainingStepOptions): Source {
  const conversion = convertToOnnx(model, { training: true, imageShape: options.imageShape });
  const all = model.weights;
  const trainable = new Set<string>();
  const l2 = new Map<string, number>();
  const layout = new Map<string, { index: number; perm?: number[] }>();
  for (const layer of layerChain(model)) {
    const regularizer = layer.getConfig()['kernelRegularizer'] as { config?: { l2?: number } } | undefined;
    for (const weight of layer.weights) {
      const name = `${layer.name}/${weight.originalName.split('/').at(-1)}`;
      const isConvKernel = layer.getClassName() === 'Conv2D' && name.endsWith('/kernel');
      layout.set(name, { index: all.indexOf(weight), ...(isConvKernel ? { perm: [3, 2, 0, 1] } : {}) });
      if (weight.trainable) trainable.add(name);
      if (name.endsWith('/kernel') && regularizer?.config?.l2) l2.set(name, regularizer.config.l2);
    }
  }
  return { model: conversion.model, extras: conversion.training, tfjs: { trainable, l2, layout } };
}

function isTfjsModel(source: tf.LayersModel | OnnxModel): source is tf.LayersModel {
  return source instanceof tf.LayersModel;
}

/**
 * Builds one training step of a classifier as a single ONNX graph: the forward pass (from the exporter's
 * layer converters for a tfjs model, in training mode; as is for an ONNX model from this toolkit's
 * exporter), reverse-mode gradients of the mean sparse cross-entropy, and the optimizer's update.
 * Weights and optimizer state are inputs and their updated values outputs, so a runtime session runs
 * one step per call and the caller keeps the state between calls.
 */
export function buildTrainingStep(source: tf.LayersModel | OnnxModel, options: TrainingStepOptions): TrainingStepGraph {
  const { model, extras, tfjs } = isTfjsModel(source) ? fromTfjs(source, options) : { model: source, extras: { runningStats: [], noise: [] }, tfjs: undefined };
  const graph = GraphBuilder.from(model.graph);
  const imageInput = model.graph.input.find((i) => i.name === INPUT_NAME);
  const imageDims = imageInput?.type?.tensorType?.shape?.dim ?? [];
  if (!imageInput || imageDims.length !== 4) throw new LettersError(`the model has no NHWC input '${INPUT_NAME}', so it cannot be trained`);
  const imageShape = imageDims.slice(1).map((d) => Number(d.dimValue)) as [number, number, number];

  // Weights: the float initializers that layers compute with, narrowed to what is trained.
  const candidates = new Set<string>();
  for (const node of model.graph.node) {
    if (!weightConsumers.has(node.opType)) continue;
    const inputs = node.opType === 'BatchNormalization' ? node.input.slice(1, 3) : node.input.slice(1);
    for (const name of inputs) if (graph.initializer(name)?.dataType === DataType.FLOAT && graph.initializer(name)!.dims.length > 0) candidates.add(name);
  }
  let wanted = [...candidates].filter((name) => tfjs?.trainable.has(name) ?? true);
  const trainable = options.trainable ?? 'all';
  if (trainable !== 'all') {
    const layers = new Set(wanted.map(layerOf));
    const unknown = trainable.filter((name) => !layers.has(name));
    if (unknown.length > 0) {
      throw new LettersError(`trainable: no trainable layer named ${unknown.map((n) => `'${n}'`).join(', ')}; the model's: ${[...layers].join(', ')}`, { kind: 'usage' });
    }
    wanted = wanted.filter((name) => trainable.includes(layerOf(name)));
  }
  if (wanted.length === 0) throw new LettersError('nothing to train: the model has no trainable weights', { kind: 'usage' });

  const inputs: OnnxValueInfo[] = [
    floatValueInfo(INPUT_NAME, [null, ...imageShape]),
    floatValueInfo(TRAINING_INPUTS.labels, [null], DataType.INT64),
    floatValueInfo(TRAINING_INPUTS.learningRate, []),
    floatValueInfo(TRAINING_INPUTS.step, []),
  ];
  for (const info of inputs.slice(1)) {
    if (graph.uniqueName(info.name) !== info.name) throw new LettersError(`the model already has a value named '${info.name}', which the training step needs for its own input`);
  }
  const state: StateTensor[] = [];
  const promote = (name: string, role: 'weight' | 'running', output: string) => {
    const tensor = graph.promoteToInput(name);
    const layout = tfjs?.layout.get(name);
    state.push({ input: name, output, dims: tensor.dims, role, weight: name, initial: floatValues(tensor), ...(layout ? { tfjs: layout } : {}) });
  };

  const shapes = new Map<string, Shape>(inputs.map((i) => [i.name, (i.type!.tensorType!.shape!.dim).map((d) => (d.dimParam ? null : Number(d.dimValue)))]));
  for (const noise of extras.noise) shapes.set(noise.input, noise.shape);
  for (const tensor of model.graph.initializer) shapes.set(tensor.name!, tensor.dims.map(Number));
  const constant = (name: string) => graph.initializer(name);
  const loss = softmaxCrossEntropy(graph, graph.nodeList, OUTPUT_NAME, TRAINING_INPUTS.labels);
  graph.removeNodeProducing(OUTPUT_NAME);
  const forward = model.graph.node.filter((n) => n.output[0] !== OUTPUT_NAME);
  const allShapes = inferShapes(forward, shapes, constant);
  const context = new GradientContext(graph, allShapes, constant);
  const grads = differentiate(context, forward, new Map([[loss.softmax.input[0]!, loss.logitsGrad]]), new Set(wanted));

  // L2 penalties (tfjs models' kernel regularizers): l2 * sum(w^2) in the loss, 2 * l2 * w in the gradient.
  let totalLoss = loss.loss;
  for (const [name, l2] of tfjs?.l2 ?? []) {
    if (!candidates.has(name)) continue;
    const penalty = graph.node('Mul', [graph.node('ReduceSumSquare', [name], 'l2', [intsAttr('axes', shapes.get(name)!.map((_, i) => i)), intAttr('keepdims', 0)]), graph.scalar(l2)], 'l2');
    totalLoss = graph.node('Add', [totalLoss, penalty], 'l2');
    const grad = grads.get(name);
    if (grad) grads.set(name, graph.node('Add', [grad, graph.node('Mul', [name, graph.scalar(2 * l2)], 'l2')], 'l2'));
  }

  const update = optimizerUpdate(options.optimizer);
  const scalars = { learningRate: TRAINING_INPUTS.learningRate, step: TRAINING_INPUTS.step };
  const slotStates: StateTensor[] = [];
  for (const name of wanted) {
    const dims = graph.initializer(name)!.dims;
    const slotInputs = update.slots.map((slot) => graph.addInput(floatValueInfo(graph.uniqueName(`${name}/${slot}`), dims)));
    const next = update.apply(graph, name, grads.get(name)!, slotInputs, scalars, `update/${name}`);
    promote(name, 'weight', next.weight);
    update.slots.forEach((slot, i) =>
      slotStates.push({ input: slotInputs[i]!, output: next.slots[i]!, dims, role: 'slot', weight: name, slot, initial: new Float32Array(dims.reduce((a, b) => a * b, 1)) }),
    );
  }
  state.push(...slotStates);
  for (const { initializer, updated } of extras.runningStats) promote(initializer, 'running', updated);

  const outputs = [floatValueInfo(totalLoss, []), floatValueInfo(loss.accuracy, []), ...state.map((s) => floatValueInfo(s.output, s.dims))];
  // The image input comes over from the forward graph with the dropout noise; the others are new.
  const built = graph.build(`${model.graph.name ?? 'model'}_training_step`, inputs.slice(1), outputs);
  return {
    model: {
      irVersion: IR_VERSION,
      producerName: 'letters',
      producerVersion: model.producerVersion ?? '',
      opsetImport: [{ domain: '', version: OPSET_VERSION }],
      graph: built,
    },
    inputs: TRAINING_INPUTS,
    imageShape,
    noise: extras.noise,
    state,
    outputs: { loss: totalLoss, accuracy: loss.accuracy },
  };
}
