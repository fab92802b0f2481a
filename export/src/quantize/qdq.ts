/**
 * Static int8 quantization in the QDQ format: int8 per-channel weights and int32 biases behind
 * DequantizeLinear, and each activation into and out of a weighted node through a
 * QuantizeLinear/DequantizeLinear pair with calibrated uint8 parameters. onnxruntime fuses these
 * patterns into integer kernels (QLinearConv, QGemm); any runtime without them computes the same
 * values in float.
 */
import { DataType, type OnnxGraph, type OnnxModel } from '../onnx/schema.ts';
import { consumersOf, floatValues, freshNamer, initializersOf, insertAfterProducer, intAttribute, redirectConsumers, tensorOf } from './graph-edit.ts';
import { activationParams, quantizeValue, type QuantParams } from './linear.ts';
import type { ValueRange } from './range-methods.ts';
import { dequantizedWeights, weightedNodes, type WeightedNode } from './weights.ts';

/**
 * The activations to quantize: the input and the output of every weighted node. A ReLU right after
 * the node moves the output point behind it (its range starts at 0, so uint8's zero point 0 does the
 * ReLU's clipping); logits going into the final Softmax stay float, so the probabilities keep their
 * precision.
 */
export function activationsToQuantize(graph: OnnxGraph): string[] {
  const consumers = consumersOf(graph);
  const values = new Set<string>();
  for (const { node } of weightedNodes(graph)) {
    values.add(node.input[0]!);
    let output = node.output[0]!;
    const readers = consumers.get(output) ?? [];
    if (readers.length === 1 && readers[0]!.opType === 'Relu') output = readers[0]!.output[0]!;
    const next = consumers.get(output) ?? [];
    if (next.length > 0 && next.every((n) => n.opType !== 'Softmax')) values.add(output);
  }
  return [...values];
}

/** Puts a QuantizeLinear/DequantizeLinear pair on `value`; every reader then reads the dequantized value. */
function insertQdq(graph: OnnxGraph, value: string, params: QuantParams, fresh: (hint: string) => string): void {
  const names = { scale: fresh(`${value}_scale`), zero: fresh(`${value}_zero_point`), q: fresh(`${value}_quantized`), dq: fresh(`${value}_dequantized`) };
  graph.initializer.push(
    tensorOf(names.scale, [], DataType.FLOAT, new Float32Array([params.scale])),
    tensorOf(names.zero, [], DataType.UINT8, new Uint8Array([params.zeroPoint])),
  );
  const quantize = { name: names.q, opType: 'QuantizeLinear', input: [value, names.scale, names.zero], output: [names.q] };
  const dequantize = { name: names.dq, opType: 'DequantizeLinear', input: [names.q, names.scale, names.zero], output: [names.dq] };
  redirectConsumers(graph, value, names.dq, new Set());
  insertAfterProducer(graph, value, [quantize, dequantize]);
}

/** int32 bias with scale input scale x weight scale per channel (zero point 0), behind a DequantizeLinear. */
function quantizeBias(graph: OnnxGraph, weighted: WeightedNode, inputScale: number, weightScales: Float32Array, fresh: (hint: string) => string): void {
  const bias = weighted.bias!;
  const tensor = initializersOf(graph).get(bias)!;
  const scales = Float32Array.from(weightScales, (s) => Math.fround(inputScale * s));
  const quantized = Int32Array.from(floatValues(tensor), (b, c) => quantizeValue(b, scales[c]!, 0, 'int32'));
  const names = { q: fresh(`${bias}_quantized`), scale: fresh(`${bias}_scale`), zero: fresh(`${bias}_zero_point`), out: fresh(`${bias}_dequantized`) };
  graph.initializer = graph.initializer.filter((t) => t.name !== bias);
  graph.initializer.push(
    tensorOf(names.q, tensor.dims, DataType.INT32, quantized),
    tensorOf(names.scale, [scales.length], DataType.FLOAT, scales),
    tensorOf(names.zero, [scales.length], DataType.INT32, new Int32Array(scales.length)),
  );
  insertAfterProducer(graph, names.q, [
    { name: names.out, opType: 'DequantizeLinear', input: [names.q, names.scale, names.zero], output: [names.out], attribute: [intAttribute('axis', 0)] },
  ]);
  weighted.node.input[2] = names.out;
}

/** The QDQ model of `model` (a copy), with each value of `activationsToQuantize` quantized over its calibrated range. */
export function quantizeStatic(model: OnnxModel, ranges: ReadonlyMap<string, ValueRange>): OnnxModel {
  const copy = structuredClone(model);
  const graph = copy.graph;
  const fresh = freshNamer(graph);
  const params = new Map<string, QuantParams>();
  for (const value of activationsToQuantize(graph)) {
    const range = ranges.get(value);
    if (!range) throw new Error(`no calibrated range for ${value}`);
    params.set(value, activationParams(range.min, range.max));
  }
  for (const weighted of weightedNodes(graph)) {
    const weightScales = dequantizedWeights(graph, weighted, fresh);
    if (weighted.bias) quantizeBias(graph, weighted, params.get(weighted.node.input[0]!)!.scale, weightScales, fresh);
  }
  for (const [value, p] of params) insertQdq(graph, value, p, fresh);
  return copy;
}
