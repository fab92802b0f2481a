import {
  AttributeType,
  DataType,
  type OnnxAttribute,
  type OnnxDimension,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './schema.ts';

export const intAttr = (name: string, i: number): OnnxAttribute => ({ name, type: AttributeType.INT, i });
export const floatAttr = (name: string, f: number): OnnxAttribute => ({ name, type: AttributeType.FLOAT, f });
export const intsAttr = (name: string, ints: readonly number[]): OnnxAttribute => ({
  name,
  type: AttributeType.INTS,
  ints: [...ints],
});

/** A tensor value info (float32 unless said); `null` dimensions become the named free dimension `N` (the batch). */
export function floatValueInfo(name: string, shape: readonly (number | null)[], elemType: number = DataType.FLOAT): OnnxValueInfo {
  const dim: OnnxDimension[] = shape.map((d) => (d === null ? { dimParam: 'N' } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/**
 * Accumulates the nodes and initializers of one graph, keeping value names unique.
 * Nodes are appended in execution order, which is the topological order ONNX requires.
 */
export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly used = new Set<string>();
  private readonly scalars = new Map<number, string>();

  /** A builder continuing an existing graph: its nodes, initializers and inputs, their names taken. */
  static from(graph: OnnxGraph): GraphBuilder {
    const builder = new GraphBuilder();
    builder.nodes.push(...graph.node.map((n) => ({ ...n, input: [...n.input], output: [...n.output] })));
    builder.initializers.push(...graph.initializer);
    builder.inputs.push(...graph.input);
    for (const name of [...graph.input, ...graph.output].map((v) => v.name)) builder.used.add(name);
    for (const name of graph.initializer.map((t) => t.name ?? '')) builder.used.add(name);
    for (const node of graph.node) for (const name of node.output) builder.used.add(name);
    return builder;
  }

  /** The nodes so far, in execution order. */
  get nodeList(): readonly OnnxNode[] {
    return this.nodes;
  }

  /** Removes the node producing `output` (a value nothing reads any more) and returns it. */
  removeNodeProducing(output: string): OnnxNode | undefined {
    const index = this.nodes.findIndex((n) => n.output.includes(output));
    return index < 0 ? undefined : this.nodes.splice(index, 1)[0];
  }

  /** The initializer of that name, if the graph has one. */
  initializer(name: string): OnnxTensor | undefined {
    return this.initializers.find((t) => t.name === name);
  }

  /** Turns an initializer into a graph input of the same name (a weight the caller feeds), returning the constant. */
  promoteToInput(name: string): OnnxTensor {
    const index = this.initializers.findIndex((t) => t.name === name);
    const [tensor] = this.initializers.splice(index, 1);
    this.inputs.push(floatValueInfo(name, tensor!.dims));
    return tensor!;
  }

  /** Declares a graph input (beside the image). */
  addInput(input: OnnxValueInfo): string {
    this.used.add(input.name);
    this.inputs.push(input);
    return input.name;
  }

  /** A name not used yet in this graph, derived from `hint`. */
  uniqueName(hint: string): string {
    let name = hint;
    for (let i = 1; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a float32 constant (little-endian raw data, as the IR requires) and returns its name. */
  floatTensor(hint: string, dims: readonly number[], values: Float32Array): string {
    const name = this.uniqueName(hint);
    const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    this.initializers.push({ name, dims: [...dims], dataType: DataType.FLOAT, rawData });
    return name;
  }

  /** Adds an int64 constant (shapes, pads) and returns its name. */
  int64Tensor(hint: string, values: readonly number[]): string {
    const name = this.uniqueName(hint);
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, int64Data: [...values] });
    return name;
  }

  /** A float32 scalar constant, shared by every node that needs the same value. */
  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (name === undefined) {
      name = this.floatTensor(`const_${value}`, [], new Float32Array([value]));
      this.scalars.set(value, name);
    }
    return name;
  }

  /** Appends a single-output node and returns the name of its output. */
  node(opType: string, inputs: readonly string[], scope: string, attribute: OnnxAttribute[] = []): string {
    return this.multiNode(opType, inputs, scope, attribute, 1)[0]!;
  }

  /** Appends a node with `outputs` outputs and returns their names. */
  multiNode(opType: string, inputs: readonly string[], scope: string, attribute: OnnxAttribute[], outputs: number): string[] {
    const names = Array.from({ length: outputs }, (_, i) => this.uniqueName(`${scope}/${opType}${i === 0 ? '' : `_${i}`}`));
    this.nodes.push({ name: names[0], opType, input: [...inputs], output: names, attribute });
    return names;
  }

  /** An int64 scalar constant (OneHot depth, axes given as tensors). */
  int64Scalar(hint: string, value: number): string {
    const name = this.uniqueName(hint);
    this.initializers.push({ name, dims: [], dataType: DataType.INT64, int64Data: [value] });
    return name;
  }

  /** Renames the value produced by the last node (the graph output gets its contract name). */
  renameLastOutput(from: string, to: string): void {
    const last = this.nodes.at(-1);
    if (last?.output[0] !== from) {
      this.nodes.push({ name: to, opType: 'Identity', input: [from], output: [to] });
      return;
    }
    last.output[0] = to;
    last.name = to;
  }

  /** The graph: `inputs` first, then those declared with addInput or promoteToInput. */
  build(name: string, inputs: readonly OnnxValueInfo[], outputs: readonly OnnxValueInfo[]): OnnxGraph {
    return { name, node: this.nodes, initializer: this.initializers, input: [...inputs, ...this.inputs], output: [...outputs] };
  }
}
