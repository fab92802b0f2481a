/** The weighted nodes (Conv, Gemm, MatMul with constant weights) and their int8 per-channel weights. */
import { DataType, type OnnxAttribute, type OnnxGraph, type OnnxNode } from '../onnx/schema.ts';
import { floatValues, freshNamer, initializersOf, insertAfterProducer, intAttribute, isFloatInitializer, tensorOf } from './graph-edit.ts';
import { quantizePerChannel } from './linear.ts';

export interface WeightedNode {
  readonly node: OnnxNode;
  /** The initializer holding the weights. */
  readonly weight: string;
  /** The output-channel axis of the weights: one scale per channel. */
  readonly axis: number;
  /** The bias initializer, when the node adds one per output channel. */
  readonly bias?: string;
}

const attribute = (node: OnnxNode, name: string): OnnxAttribute | undefined => node.attribute?.find((a) => a.name === name);
const attributeIs = (node: OnnxNode, name: string, fallback: number) => {
  const a = attribute(node, name);
  return a === undefined ? fallback : (a.i ?? a.f ?? fallback);
};

/**
 * The nodes whose weights are quantized. Gemm only in its plain form (no transposed A, alpha = beta = 1),
 * which is what the exporter writes; anything else stays float.
 */
export function weightedNodes(graph: OnnxGraph): WeightedNode[] {
  const found: WeightedNode[] = [];
  const dimsOf = new Map(graph.initializer.map((t) => [t.name, t.dims]));
  for (const node of graph.node) {
    const [, weight, bias] = node.input;
    if (!isFloatInitializer(graph, weight)) continue;
    const floatBias = isFloatInitializer(graph, bias) ? bias : undefined;
    if (node.opType === 'Conv') {
      found.push({ node, weight: weight!, axis: 0, bias: floatBias });
    } else if (node.opType === 'Gemm') {
      const plain = attributeIs(node, 'transA', 0) === 0 && attributeIs(node, 'alpha', 1) === 1 && attributeIs(node, 'beta', 1) === 1;
      const axis = attributeIs(node, 'transB', 0) === 1 ? 0 : 1;
      const perChannelBias = floatBias !== undefined && dimsOf.get(floatBias)?.length === 1 ? floatBias : undefined;
      if (plain && (bias === undefined || perChannelBias)) found.push({ node, weight: weight!, axis, bias: perChannelBias });
    } else if (node.opType === 'MatMul' && dimsOf.get(weight!)?.length === 2) {
      found.push({ node, weight: weight!, axis: 1 });
    }
  }
  return found;
}

/**
 * Replaces the node's float weights with int8 per-channel weights behind a DequantizeLinear and
 * returns the per-channel scales.
 */
export function dequantizedWeights(graph: OnnxGraph, { node, weight, axis }: WeightedNode, fresh = freshNamer(graph)): Float32Array {
  const tensor = initializersOf(graph).get(weight)!;
  const { quantized, scales } = quantizePerChannel(floatValues(tensor), tensor.dims, axis);
  const names = { q: fresh(`${weight}_quantized`), scale: fresh(`${weight}_scale`), zero: fresh(`${weight}_zero_point`), out: fresh(`${weight}_dequantized`) };
  graph.initializer = graph.initializer.filter((t) => t.name !== weight || graph.node.some((n) => n !== node && n.input.includes(weight)));
  graph.initializer.push(
    tensorOf(names.q, tensor.dims, DataType.INT8, quantized),
    tensorOf(names.scale, [scales.length], DataType.FLOAT, scales),
    tensorOf(names.zero, [scales.length], DataType.INT8, new Int8Array(scales.length)),
  );
  insertAfterProducer(graph, names.q, [
    { name: names.out, opType: 'DequantizeLinear', input: [names.q, names.scale, names.zero], output: [names.out], attribute: [intAttribute('axis', axis)] },
  ]);
  node.input[1] = names.out;
  return scales;
}
