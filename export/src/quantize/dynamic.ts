/**
 * Dynamic int8 quantization: no calibration. Weights are int8 per channel; the activations going into
 * a Gemm or MatMul are quantized to uint8 at run time from their own range (DynamicQuantizeLinear),
 * multiplied in integers (MatMulInteger) and rescaled. Conv keeps float activations (onnxruntime has
 * no int8-weight ConvInteger on every runtime) and reads its int8 weights through DequantizeLinear.
 */
import { DataType, type OnnxModel, type OnnxNode } from '../onnx/schema.ts';
import { freshNamer, initializersOf, intAttribute, tensorOf, floatValues } from './graph-edit.ts';
import { quantizePerChannel } from './linear.ts';
import { dequantizedWeights, weightedNodes, type WeightedNode } from './weights.ts';

/** The nodes computing `weighted`'s output from run-time quantized input and int8 weights. */
function integerMatMul(model: OnnxModel, weighted: WeightedNode, fresh: (hint: string) => string): OnnxNode[] {
  const graph = model.graph;
  const { node, weight, bias } = weighted;
  const tensor = initializersOf(graph).get(weight)!;
  const { quantized, scales } = quantizePerChannel(floatValues(tensor), tensor.dims, 1);
  const n = (hint: string) => fresh(`${node.name ?? weight}/${hint}`);
  const names = {
    weight: n('weight_quantized'),
    weightScale: n('weight_scale'),
    x: n('input_quantized'),
    xScale: n('input_scale'),
    xZero: n('input_zero_point'),
    product: n('product'),
    productFloat: n('product_float'),
    scale: n('scale'),
    scaled: n('scaled'),
  };
  graph.initializer = graph.initializer.filter((t) => t.name !== weight);
  graph.initializer.push(
    tensorOf(names.weight, tensor.dims, DataType.INT8, quantized),
    tensorOf(names.weightScale, [scales.length], DataType.FLOAT, scales),
  );
  const output = node.output[0]!;
  const last = bias ? names.scaled : output;
  const nodes: OnnxNode[] = [
    { name: names.x, opType: 'DynamicQuantizeLinear', input: [node.input[0]!], output: [names.x, names.xScale, names.xZero] },
    { name: names.product, opType: 'MatMulInteger', input: [names.x, names.weight, names.xZero], output: [names.product] },
    { name: names.productFloat, opType: 'Cast', input: [names.product], output: [names.productFloat], attribute: [intAttribute('to', DataType.FLOAT)] },
    { name: names.scale, opType: 'Mul', input: [names.xScale, names.weightScale], output: [names.scale] },
    { name: last, opType: 'Mul', input: [names.productFloat, names.scale], output: [last] },
  ];
  if (bias) nodes.push({ name: output, opType: 'Add', input: [last, bias], output: [output] });
  return nodes;
}

/** The dynamically quantized model of `model` (a copy). */
export function quantizeDynamic(model: OnnxModel): OnnxModel {
  const copy = structuredClone(model);
  const fresh = freshNamer(copy.graph);
  for (const weighted of weightedNodes(copy.graph)) {
    if (weighted.node.opType === 'Conv' || weighted.axis !== 1) {
      dequantizedWeights(copy.graph, weighted, fresh);
      continue;
    }
    const replacement = integerMatMul(copy, weighted, fresh);
    copy.graph.node.splice(copy.graph.node.indexOf(weighted.node), 1, ...replacement);
  }
  return copy;
}
