/**
 * float16 models with the float32 contract kept at the edges.
 * - weights (default): float16 initializers, each widened by a Cast at load; the arithmetic stays
 *   float32 (onnxruntime folds the Casts into constants), so only storage precision is lost.
 * - arithmetic: every float value is float16, between a Cast of the input to float16 and a Cast of
 *   the output back to float32; runtimes with float16 kernels (WebGPU with shader-f16) compute in it.
 */
import { INPUT_NAME, OUTPUT_NAME } from '@letters/contract';
import { DataType, type OnnxModel, type OnnxNode } from '../onnx/schema.ts';
import { floatValues, freshNamer, intAttribute, redirectConsumers, tensorOf } from './graph-edit.ts';
import { toFloat16 } from './float16.ts';

export type Float16Mode = 'weights' | 'arithmetic';

const cast = (name: string, input: string, output: string, to: number): OnnxNode => ({
  name,
  opType: 'Cast',
  input: [input],
  output: [output],
  attribute: [intAttribute('to', to)],
});

/** The float16 model of `model` (a copy). */
export function convertToFloat16(model: OnnxModel, mode: Float16Mode = 'weights'): OnnxModel {
  const copy = structuredClone(model);
  const graph = copy.graph;
  const fresh = freshNamer(graph);
  const widen: OnnxNode[] = [];
  graph.initializer = graph.initializer.map((tensor) => {
    if (tensor.dataType !== DataType.FLOAT) return tensor;
    const name = tensor.name ?? '';
    if (mode === 'arithmetic') return tensorOf(name, tensor.dims, DataType.FLOAT16, toFloat16(floatValues(tensor)));
    const half = fresh(`${name}_float16`);
    widen.push(cast(fresh(`${name}_cast`), half, name, DataType.FLOAT));
    return tensorOf(half, tensor.dims, DataType.FLOAT16, toFloat16(floatValues(tensor)));
  });
  if (mode === 'weights') {
    graph.node.unshift(...widen);
    return copy;
  }
  // Casts to float32 inside the graph (none in exported models, but any) now produce float16.
  for (const node of graph.node) {
    for (const a of node.attribute ?? []) if (node.opType === 'Cast' && a.name === 'to' && a.i === DataType.FLOAT) a.i = DataType.FLOAT16;
  }
  graph.valueInfo = [];
  const input16 = fresh(`${INPUT_NAME}_float16`);
  const output16 = fresh(`${OUTPUT_NAME}_float16`);
  redirectConsumers(graph, INPUT_NAME, input16, new Set());
  for (const node of graph.node) node.output = node.output.map((o) => (o === OUTPUT_NAME ? output16 : o));
  graph.node.unshift(cast(fresh('input_cast'), INPUT_NAME, input16, DataType.FLOAT16));
  graph.node.push(cast(fresh('output_cast'), output16, OUTPUT_NAME, DataType.FLOAT));
  return copy;
}
