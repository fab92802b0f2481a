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

/** A float32 tensor value info; `null` dimensions become the named free dimension `N` (the batch). */
export function floatValueInfo(name: string, shape: readonly (number | null)[]): OnnxValueInfo {
  const dim: OnnxDimension[] = shape.map((d) => (d === null ? { dimParam: 'N' } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

/**
 * Accumulates the nodes and initializers of one graph, keeping value names unique.
 * Nodes are appended in execution order, which is the topological order ONNX requires.
 */
export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();
  private readonly scalars = new Map<number, string>();

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
    const output = this.uniqueName(`${scope}/${opType}`);
    this.nodes.push({ name: output, opType, input: [...inputs], output: [output], attribute });
    return output;
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

  build(name: string, input: OnnxValueInfo, output: OnnxValueInfo): OnnxGraph {
    return { name, node: this.nodes, initializer: this.initializers, input: [input], output: [output] };
  }
}
