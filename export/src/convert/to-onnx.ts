import * as tf from '@tensorflow/tfjs';
import { INPUT_NAME, LettersError, OUTPUT_NAME } from '@letters/contract';
import { GraphBuilder, floatValueInfo, intAttr } from '../onnx/graph-builder.ts';
import type { OnnxModel } from '../onnx/schema.ts';
import { ConversionContext, LayerConfig, type ConvertOptions, type TrainingExtras } from './context.ts';
import { layerConverters, supportedLayers } from './layers.ts';

export const OPSET_VERSION = 17;
export const IR_VERSION = 8;

export interface OnnxConversion {
  model: OnnxModel;
  /** The ONNX input shape, NHWC with the batch as null. */
  inputShape: [null, number, number, number];
  /** The ONNX output shape, [batch, classes]. */
  outputShape: [null, number];
  /** Training mode only: running statistics and dropout noise inputs. */
  training: TrainingExtras;
}

export interface ConversionInput extends ConvertOptions {
  producerVersion?: string;
  /**
   * The image [height, width, channels] for models whose input is a flat vector (dense-only models):
   * the ONNX input stays an NHWC image and is flattened inside the graph. Default: square, 1 channel.
   */
  imageShape?: readonly [number, number, number];
}

/**
 * The layers of a Sequential model or a linear functional chain, in order, with nested Sequentials
 * inlined. Anything with branches, merges or shared layers is refused by name.
 */
export function layerChain(model: tf.LayersModel): tf.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new LettersError(
      `model '${model.name}' has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only single-input, single-output models can be exported`,
    );
  }
  // Only the nodes wiring a layer into this model count: a nested Sequential also has the node of its
  // own construction (no inbound layers), a layer shared with another model has that model's nodes.
  const isInput = (layer: tf.layers.Layer) => layer.getClassName() === 'InputLayer';
  const members = new Set<tf.layers.Layer>(model.layers);
  const chain: tf.layers.Layer[] = [];
  let previous: tf.layers.Layer | undefined;
  for (const layer of model.layers) {
    if (isInput(layer)) continue;
    const nodes = layer.inboundNodes.filter(
      (node) => node.inboundLayers.length > 0 && node.inboundLayers.every((l) => members.has(l) || isInput(l)),
    );
    const inbound = nodes.flatMap((node) => node.inboundLayers);
    const linear = nodes.length === 1 && inbound.length === 1 && (previous ? inbound[0] === previous : isInput(inbound[0]!));
    if (!linear) {
      throw new LettersError(
        `layer '${layer.name}' (${layer.getClassName()}) is not in a linear chain (branches, merges and shared layers cannot be exported); export a Sequential model or a linear functional chain`,
      );
    }
    if (layer instanceof tf.LayersModel) chain.push(...layerChain(layer));
    else chain.push(layer);
    previous = layer;
  }
  return chain;
}

/** The NHWC image the ONNX graph takes for a Keras input shape. */
function imageInputShape(
  kerasShape: readonly (number | null)[],
  imageShape: ConversionInput['imageShape'],
): [number, number, number] {
  const dims = kerasShape.slice(1);
  if (dims.some((d) => d === null)) {
    throw new LettersError(`model input shape ${JSON.stringify(kerasShape)} has free dimensions besides the batch; export needs a fixed image size`);
  }
  const [a, b, c] = dims as number[];
  if (dims.length === 3) return [a!, b!, c!];
  if (dims.length === 2) return [a!, b!, 1];
  if (dims.length === 1) {
    const shape = imageShape ?? [Math.sqrt(a!), Math.sqrt(a!), 1];
    if (!shape.every(Number.isInteger) || shape[0] * shape[1] * shape[2] !== a) {
      throw new LettersError(
        `model input is a flat vector of ${a} values, which is not an image of shape ${JSON.stringify(shape)}; pass imageShape [height, width, channels]`,
      );
    }
    return [shape[0], shape[1], shape[2]];
  }
  throw new LettersError(`model input shape ${JSON.stringify(kerasShape)} is not an image or a flat vector`);
}

/**
 * Converts a tfjs Layers model to an ONNX model (opset 17, IR 8). The graph input is `image`, NHWC float32
 * with a free batch dimension; the output is `probabilities` [N, classes]. The model must end in a softmax.
 */
export function convertToOnnx(model: tf.LayersModel, input: ConversionInput = {}): OnnxConversion {
  const kerasInput = model.inputs[0]!.shape;
  const [height, width, channels] = imageInputShape(kerasInput, input.imageShape);
  const chain = layerChain(model);

  const graph = new GraphBuilder();
  graph.uniqueName(INPUT_NAME);
  graph.uniqueName(OUTPUT_NAME);
  const ctx = new ConversionContext(
    graph,
    { name: INPUT_NAME, shape: [null, height, width, channels], layout: 'keras', probabilities: false },
    input,
  );
  if (kerasInput.length === 2) {
    ctx.apply('Flatten', 'input', { attributes: [intAttr('axis', 1)], shape: kerasInput });
  } else if (kerasInput.length === 3) {
    ctx.apply('Reshape', 'input', { extraInputs: [graph.int64Tensor('input/shape', [-1, height, width])], shape: kerasInput });
  }

  for (const layer of chain) {
    const convert = layerConverters[layer.getClassName()];
    if (!convert) {
      throw new LettersError(
        `layer '${layer.name}' (${layer.getClassName()}) cannot be exported to ONNX; supported layers: ${supportedLayers.join(', ')}`,
      );
    }
    convert(new LayerConfig(layer), ctx);
  }

  const { shape, probabilities } = ctx.current;
  const last = chain.at(-1);
  if (shape.length !== 2 || !probabilities) {
    throw new LettersError(
      `model '${model.name}' must end in a softmax over classes ([batch, classes]) for the ONNX 'probabilities' output; its last layer '${last?.name}' (${last?.getClassName()}) gives shape ${JSON.stringify(shape)}${probabilities ? '' : ' without softmax'}`,
    );
  }
  const classes = shape[1]!;
  graph.renameLastOutput(ctx.current.name, OUTPUT_NAME);

  const onnx: OnnxModel = {
    irVersion: IR_VERSION,
    producerName: 'letters',
    producerVersion: input.producerVersion ?? '',
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    graph: graph.build(
      model.name,
      [floatValueInfo(INPUT_NAME, [null, height, width, channels])],
      [floatValueInfo(OUTPUT_NAME, [null, classes]), ...ctx.extraOutputs],
    ),
  };
  return { model: onnx, inputShape: [null, height, width, channels], outputShape: [null, classes], training: ctx.training };
}
