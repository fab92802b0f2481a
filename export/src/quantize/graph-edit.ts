/** Reading and rewriting the tensors and nodes of a decoded ONNX graph, for the quantizers. */
import { AttributeType, DataType, type OnnxGraph, type OnnxNode, type OnnxTensor } from '../onnx/schema.ts';

/** The float32 values of an initializer (raw little-endian data or float_data). */
export function floatValues(tensor: OnnxTensor): Float32Array {
  if (tensor.rawData && tensor.rawData.byteLength > 0) {
    // A copy: decoded bytes can be a view at an odd offset of a larger (Node Buffer) allocation.
    const bytes = Uint8Array.from(tensor.rawData);
    return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** An initializer from typed values, stored as raw little-endian bytes. */
export function tensorOf(
  name: string,
  dims: readonly number[],
  dataType: number,
  values: Float32Array | Int8Array | Uint8Array | Int32Array | Uint16Array,
): OnnxTensor {
  const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  return { name, dims: [...dims], dataType, rawData };
}

export const intAttribute = (name: string, i: number) => ({ name, type: AttributeType.INT, i });

/** The graph's initializers by name. */
export const initializersOf = (graph: OnnxGraph): Map<string, OnnxTensor> => new Map(graph.initializer.map((t) => [t.name ?? '', t]));

/** Whether `name` is a float32 initializer (a weight the quantizers can rewrite). */
export function isFloatInitializer(graph: OnnxGraph, name: string | undefined): boolean {
  return name !== undefined && graph.initializer.some((t) => t.name === name && t.dataType === DataType.FLOAT);
}

/** The nodes reading each value. */
export function consumersOf(graph: OnnxGraph): Map<string, OnnxNode[]> {
  const consumers = new Map<string, OnnxNode[]>();
  for (const node of graph.node) {
    for (const input of node.input) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  }
  return consumers;
}

/** A name not used by any value, initializer or node in the graph, derived from `hint`. */
export function freshNamer(graph: OnnxGraph): (hint: string) => string {
  const used = new Set<string>([
    ...graph.initializer.map((t) => t.name ?? ''),
    ...graph.input.map((v) => v.name),
    ...graph.node.flatMap((n) => [...n.input, ...n.output, n.name ?? '']),
  ]);
  return (hint) => {
    let name = hint;
    for (let i = 1; used.has(name); i++) name = `${hint}_${i}`;
    used.add(name);
    return name;
  };
}

/** Makes every node that reads `from` (other than `except`) read `to` instead. */
export function redirectConsumers(graph: OnnxGraph, from: string, to: string, except: ReadonlySet<OnnxNode>): void {
  for (const node of graph.node) {
    if (except.has(node)) continue;
    node.input = node.input.map((input) => (input === from ? to : input));
  }
}

/**
 * Inserts nodes right after the producer of `value` (at the start for a graph input or an
 * initializer), keeping the node list in the topological order ONNX requires.
 */
export function insertAfterProducer(graph: OnnxGraph, value: string, nodes: readonly OnnxNode[]): void {
  const producer = graph.node.findIndex((n) => n.output.includes(value));
  graph.node.splice(producer + 1, 0, ...nodes);
}
