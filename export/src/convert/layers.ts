import * as tf from '@tensorflow/tfjs';
import { floatAttr, floatValueInfo, intAttr, intsAttr } from '../onnx/graph-builder.ts';
import { DataType } from '../onnx/schema.ts';
import { clip, emitActivation, softmax } from './activations.ts';
import { LayerConfig, type ConversionContext } from './context.ts';

type LayerConverter = (config: LayerConfig, ctx: ConversionContext) => void;

/** Layers that are the identity at inference: dropout, noise and other training-only regularizers. */
const inferenceIdentity = ['SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'];

function float32(tensor: tf.Tensor): Float32Array {
  return tensor.dataSync() as Float32Array;
}

/** Checks a 2-D image layer's input (channels-last, 4-D) and returns the layer name, the nodes' scope. */
function imageLayer(config: LayerConfig, ctx: ConversionContext): string {
  if (config.string('dataFormat', 'channelsLast') !== 'channelsLast') {
    config.fail("only dataFormat 'channelsLast' (the tfjs default) can be exported");
  }
  ctx.requireRank(4, config.layer.name);
  return config.layer.name;
}

/**
 * Explicit [top, left, bottom, right] pads and output size for a 2-D window. TF's 'same' pads so that
 * out = ceil(in / stride) and puts the odd pixel at the end (bottom/right), hence asymmetric pads;
 * 'valid' pads nothing and out = floor((in - window) / stride) + 1, as ONNX computes by default.
 */
function windowGeometry(
  config: LayerConfig,
  input: readonly (number | null)[],
  window: [number, number],
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): { pads: number[]; outHeight: number | null; outWidth: number | null } {
  const padding = config.string('padding', 'valid');
  if (padding !== 'valid' && padding !== 'same') config.fail(`padding '${padding}' cannot be exported`);
  const begin: number[] = [];
  const end: number[] = [];
  const out: (number | null)[] = [];
  for (const axis of [0, 1]) {
    const size = input[axis + 1] ?? null;
    const span = (window[axis]! - 1) * dilations[axis]! + 1;
    const stride = strides[axis]!;
    if (size === null) {
      if (padding === 'same') config.fail("padding 'same' needs a fixed input height and width");
      begin.push(0);
      end.push(0);
      out.push(null);
    } else if (padding === 'same') {
      const outSize = Math.ceil(size / stride);
      const total = Math.max((outSize - 1) * stride + span - size, 0);
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
      out.push(outSize);
    } else {
      begin.push(0);
      end.push(0);
      out.push(Math.floor((size - span) / stride) + 1);
    }
  }
  return { pads: [...begin, ...end], outHeight: out[0]!, outWidth: out[1]! };
}

function activationOption(config: LayerConfig, ctx: ConversionContext): void {
  emitActivation(ctx, config.string('activation', 'linear'), config.layer.name);
}

const conv2d: LayerConverter = (config, ctx) => {
  const scope = imageLayer(config, ctx);
  const weights = config.weights();
  const kernel = weights.get('kernel')!;
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const strides = config.pair('strides', 1);
  const dilations = config.pair('dilationRate', 1);
  const { pads, outHeight, outWidth } = windowGeometry(config, ctx.current.shape, [kh, kw], strides, dilations);
  // Keras kernels are HWIO; ONNX Conv wants OIHW.
  const oihw = tf.tidy(() => float32(tf.transpose(kernel, [3, 2, 0, 1])));
  const inputs = [ctx.graph.floatTensor(`${scope}/kernel`, [cout, cin, kh, kw], oihw)];
  const bias = weights.get('bias');
  if (config.boolean('useBias', true) && bias) inputs.push(ctx.graph.floatTensor(`${scope}/bias`, [cout], float32(bias)));
  ctx.toNchw(scope);
  ctx.apply('Conv', scope, {
    extraInputs: inputs,
    attributes: [
      intsAttr('kernel_shape', [kh, kw]),
      intsAttr('strides', strides),
      intsAttr('dilations', dilations),
      intsAttr('pads', pads),
      intAttr('group', 1),
    ],
    shape: [null, outHeight, outWidth, cout],
  });
  activationOption(config, ctx);
};

function pooling(opType: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (config, ctx) => {
    const scope = imageLayer(config, ctx);
    const window = config.pair('poolSize', 2);
    const strides = config.has('strides') ? config.pair('strides') : window;
    const { pads, outHeight, outWidth } = windowGeometry(config, ctx.current.shape, window, strides);
    const attributes = [intsAttr('kernel_shape', window), intsAttr('strides', strides), intsAttr('pads', pads)];
    // TF averages over the valid pixels only at 'same' borders.
    if (opType === 'AveragePool') attributes.push(intAttr('count_include_pad', 0));
    ctx.toNchw(scope);
    ctx.apply(opType, scope, { attributes, shape: [null, outHeight, outWidth, ctx.current.shape[3]!] });
  };
}

function globalPooling(opType: 'ReduceMean' | 'ReduceMax'): LayerConverter {
  return (config, ctx) => {
    const scope = imageLayer(config, ctx);
    const keepDims = config.boolean('keepDims', false);
    const axes = ctx.current.layout === 'nchw' ? [2, 3] : [1, 2];
    const channels = ctx.current.shape[3]!;
    // Pooled to 1x1, both layouts hold the same numbers; only a kept 4-D result needs its layout tracked.
    ctx.apply(opType, scope, {
      attributes: [intsAttr('axes', axes), intAttr('keepdims', keepDims ? 1 : 0)],
      shape: keepDims ? [null, 1, 1, channels] : [null, channels],
      layout: keepDims ? ctx.current.layout : 'keras',
    });
  };
}

const batchNormalization: LayerConverter = (config, ctx) => {
  const scope = config.layer.name;
  const rank = ctx.current.shape.length;
  const axis = config.number('axis', -1);
  if (axis !== -1 && axis !== rank - 1) config.fail(`only the channels (last) axis can be normalized, got axis ${axis}`);
  const weights = config.weights();
  const channels = weights.get('moving_mean')!.shape[0]!;
  const tensor = (name: string, fill: number) => {
    const value = weights.get(name);
    const data = value ? float32(value) : new Float32Array(channels).fill(fill);
    return ctx.graph.floatTensor(`${scope}/${name}`, [channels], data);
  };
  // center=false has no beta (0), scale=false no gamma (1). Keras' epsilon (default 1e-3) differs from
  // ONNX's default (1e-5), so it is always written.
  const inputs = [tensor('gamma', 1), tensor('beta', 0), tensor('moving_mean', 0), tensor('moving_variance', 1)];
  if (rank === 4) ctx.toNchw(scope);
  else if (rank !== 2) config.fail(`only 2-D and 4-D inputs can be exported, got rank ${rank}`);
  const epsilon = floatAttr('epsilon', config.number('epsilon', 1e-3));
  if (!ctx.options.training) {
    ctx.apply('BatchNormalization', scope, { extraInputs: inputs, attributes: [epsilon] });
    return;
  }
  // Training: normalize by the batch's statistics; the running ones come out updated as Keras does
  // (running = momentum * running + (1 - momentum) * batch, the batch variance without Bessel's correction).
  const attributes = [epsilon, floatAttr('momentum', config.number('momentum', 0.99)), intAttr('training_mode', 1)];
  const [y, mean, variance] = ctx.graph.multiNode('BatchNormalization', [ctx.current.name, ...inputs], scope, attributes, 3);
  for (const [initializer, updated] of [[inputs[2]!, mean!], [inputs[3]!, variance!]] as const) {
    ctx.training.runningStats.push({ initializer, updated });
    ctx.extraOutputs.push(floatValueInfo(updated, [channels]));
  }
  ctx.current = { ...ctx.current, name: y!, probabilities: false };
};

/** Dropout: the identity at inference; in training, keeps a value where its noise is at least the rate, scaled by 1 / (1 - rate) as tfjs does. */
const dropout: LayerConverter = (config, ctx) => {
  if (!ctx.options.training) return;
  const scope = config.layer.name;
  const rate = config.number('rate');
  if (config.has('noiseShape')) config.fail('dropout with a noiseShape cannot be trained on onnxruntime');
  const shape = ctx.current.layout === 'nchw' ? [0, 3, 1, 2].map((i) => ctx.current.shape[i]!) : [...ctx.current.shape];
  const noise = ctx.graph.addInput(floatValueInfo(ctx.graph.uniqueName(`${scope}/noise`), shape));
  ctx.training.noise.push({ input: noise, shape });
  const kept = ctx.graph.node('GreaterOrEqual', [noise, ctx.graph.scalar(rate)], scope);
  const mask = ctx.graph.node('Cast', [kept], scope, [intAttr('to', DataType.FLOAT)]);
  const scaled = ctx.graph.node('Mul', [mask, ctx.graph.scalar(1 / (1 - rate))], scope);
  ctx.apply('Mul', scope, { extraInputs: [scaled] });
};

const dense: LayerConverter = (config, ctx) => {
  const scope = config.layer.name;
  const weights = config.weights();
  const kernel = weights.get('kernel')!;
  const [inputs, units] = kernel.shape as [number, number];
  const kernelName = ctx.graph.floatTensor(`${scope}/kernel`, [inputs, units], float32(kernel));
  const bias = config.boolean('useBias', true) ? weights.get('bias') : undefined;
  const biasName = bias && ctx.graph.floatTensor(`${scope}/bias`, [units], float32(bias));
  ctx.toKeras(scope);
  const shape = [...ctx.current.shape.slice(0, -1), units];
  if (ctx.current.shape.length === 2) {
    // Gemm computes A * B + C with the Keras kernel [in, out] as B, untransposed.
    ctx.apply('Gemm', scope, { extraInputs: biasName ? [kernelName, biasName] : [kernelName], shape });
  } else {
    ctx.apply('MatMul', scope, { extraInputs: [kernelName], shape });
    if (biasName) ctx.apply('Add', scope, { extraInputs: [biasName] });
  }
  activationOption(config, ctx);
};

const flatten: LayerConverter = (config, ctx) => {
  const scope = config.layer.name;
  // Keras flattens channels-last; flattening the NCHW value directly would scramble the next Dense's inputs.
  if (ctx.options.flattenOrder !== 'nchw') ctx.toKeras(scope);
  const size = ctx.current.shape.slice(1).reduce<number | null>((a, b) => (a === null || b === null ? null : a * b), 1);
  ctx.apply('Flatten', scope, { attributes: [intAttr('axis', 1)], shape: [null, size], layout: 'keras' });
};

const zeroPadding2d: LayerConverter = (config, ctx) => {
  const scope = imageLayer(config, ctx);
  const padding = config.layer.getConfig()['padding'];
  const [[top, bottom], [left, right]] = (
    typeof padding === 'number'
      ? [[padding, padding], [padding, padding]]
      : (padding as number[] | number[][]).map((p) => (typeof p === 'number' ? [p, p] : p))
  ) as [[number, number], [number, number]];
  ctx.toNchw(scope);
  const [, h, w, c] = ctx.current.shape;
  const pads = ctx.graph.int64Tensor(`${scope}/pads`, [0, 0, top, left, 0, 0, bottom, right]);
  ctx.apply('Pad', scope, {
    extraInputs: [pads],
    shape: [null, h === null ? null : h! + top + bottom, w === null ? null : w! + left + right, c!],
  });
};

const rescaling: LayerConverter = (config, ctx) => {
  const scope = config.layer.name;
  ctx.apply('Mul', scope, { extraInputs: [ctx.graph.scalar(config.number('scale'))] });
  const offset = config.number('offset', 0);
  if (offset !== 0) ctx.apply('Add', scope, { extraInputs: [ctx.graph.scalar(offset)] });
};

/** One converter per exportable Keras layer class (tfjs class names). */
export const layerConverters: Record<string, LayerConverter> = {
  Conv2D: conv2d,
  Dense: dense,
  MaxPooling2D: pooling('MaxPool'),
  AveragePooling2D: pooling('AveragePool'),
  GlobalAveragePooling2D: globalPooling('ReduceMean'),
  GlobalMaxPooling2D: globalPooling('ReduceMax'),
  BatchNormalization: batchNormalization,
  Flatten: flatten,
  ZeroPadding2D: zeroPadding2d,
  Rescaling: rescaling,
  Activation: activationOption,
  ReLU: (config, ctx) => {
    if (config.has('maxValue')) clip(ctx, config.layer.name, 0, config.number('maxValue'));
    else ctx.apply('Relu', config.layer.name);
  },
  LeakyReLU: (config, ctx) =>
    ctx.apply('LeakyRelu', config.layer.name, { attributes: [floatAttr('alpha', config.number('alpha', 0.3))] }),
  ELU: (config, ctx) => ctx.apply('Elu', config.layer.name, { attributes: [floatAttr('alpha', config.number('alpha', 1))] }),
  ThresholdedReLU: (config, ctx) =>
    ctx.apply('ThresholdedRelu', config.layer.name, { attributes: [floatAttr('alpha', config.number('theta', 1))] }),
  Softmax: (config, ctx) => softmax(ctx, config.layer.name, config.number('axis', -1)),
  Dropout: dropout,
  ...Object.fromEntries(inferenceIdentity.map((name) => [name, () => {}])),
};

/** The Keras layer classes the exporter supports. */
export const supportedLayers: readonly string[] = Object.keys(layerConverters).sort();
