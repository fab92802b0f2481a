import { LettersError } from '@letters/contract';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../onnx/schema.ts';

/** A static shape; `null` is the free batch dimension. */
export type Shape = (number | null)[];

export function attribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute?.find((a) => a.name === name);
}
export function intsOf(node: OnnxNode, name: string, fallback: number[]): number[] {
  return attribute(node, name)?.ints?.map(Number) ?? fallback;
}
export function intOf(node: OnnxNode, name: string, fallback: number): number {
  const value = attribute(node, name)?.i;
  return value === undefined ? fallback : Number(value);
}
export function floatOf(node: OnnxNode, name: string, fallback: number): number {
  return attribute(node, name)?.f ?? fallback;
}

/** The values of an int64 constant (a Reshape's shape, Pad's pads). */
export function int64Values(tensor: OnnxTensor): number[] {
  if (tensor.int64Data) return tensor.int64Data.map(Number);
  const raw = tensor.rawData!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(8 * i, true)));
}

/** Output size of a window op along one axis (ONNX Conv/pool arithmetic, floor mode). */
export function windowOutput(size: number | null, kernel: number, stride: number, padBegin: number, padEnd: number, dilation = 1): number | null {
  if (size === null) return null;
  return Math.floor((size + padBegin + padEnd - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

function broadcast(a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
}

type ShapeRule = (node: OnnxNode, inputs: Shape[], constant: (name: string) => OnnxTensor | undefined) => Shape[];

const same: ShapeRule = (_node, [x]) => [x!];
const elementwise: ShapeRule = (_node, inputs) => [inputs.reduce(broadcast)];

function windowed(node: OnnxNode, x: Shape, channels: number | null): Shape {
  const kernel = intsOf(node, 'kernel_shape', []);
  const strides = intsOf(node, 'strides', [1, 1]);
  const pads = intsOf(node, 'pads', [0, 0, 0, 0]);
  const dilations = intsOf(node, 'dilations', [1, 1]);
  return [x[0]!, channels, ...[0, 1].map((i) => windowOutput(x[2 + i]!, kernel[i]!, strides[i]!, pads[i]!, pads[2 + i]!, dilations[i]!))];
}

const rules: Record<string, ShapeRule> = {
  Conv: (node, [x, w]) => [windowed(node, x!, w![0]!)],
  MaxPool: (node, [x]) => [windowed(node, x!, x![1]!)],
  AveragePool: (node, [x]) => [windowed(node, x!, x![1]!)],
  Transpose: (node, [x]) => [intsOf(node, 'perm', []).map((p) => x![p]!)],
  Flatten: (node, [x]) => {
    const axis = intOf(node, 'axis', 1);
    const product = (dims: Shape) => dims.reduce<number | null>((a, b) => (a === null || b === null ? null : a * b), 1);
    return [[product(x!.slice(0, axis)), product(x!.slice(axis))]];
  },
  Reshape: (node, [x], constant) => {
    const target = int64Values(constant(node.input[1]!)!);
    const known = x!.reduce<number>((a, b) => a * (b ?? 1), 1);
    const fixed = target.map((d, i) => (d === 0 ? x![i]! : d));
    const rest = fixed.reduce<number>((a, b) => (b === -1 || b === null ? a : a * b), 1);
    // -1 takes what is left; with a free batch in the input, the free dimension stays free.
    return [fixed.map((d) => (d === -1 ? (x!.includes(null) ? null : known / rest) : d))];
  },
  Gemm: (node, [a, b]) => {
    const rows = intOf(node, 'transA', 0) ? a![1]! : a![0]!;
    const cols = intOf(node, 'transB', 0) ? b![0]! : b![1]!;
    return [[rows, cols]];
  },
  MatMul: (_node, [a, b]) => [[...a!.slice(0, -1), b!.at(-1)!]],
  BatchNormalization: (node, [x, scale]) => (node.output.length === 3 ? [x!, scale!, scale!] : [x!]),
  ReduceMean: reduce,
  ReduceMax: reduce,
  Pad: (node, [x], constant) => {
    const pads = int64Values(constant(node.input[1]!)!);
    const rank = x!.length;
    return [x!.map((d, i) => (d === null ? null : d + pads[i]! + pads[rank + i]!))];
  },
  Cast: same,
  Relu: same,
  LeakyRelu: same,
  Elu: same,
  Selu: same,
  Tanh: same,
  Sigmoid: same,
  Softplus: same,
  Softsign: same,
  HardSigmoid: same,
  ThresholdedRelu: same,
  Softmax: same,
  LogSoftmax: same,
  Clip: same,
  Erf: same,
  Identity: same,
  Add: elementwise,
  Sub: elementwise,
  Mul: elementwise,
  Div: elementwise,
  GreaterOrEqual: elementwise,
};

function reduce(node: OnnxNode, [x]: Shape[]): Shape[] {
  const axes = intsOf(node, 'axes', []).map((a) => (a < 0 ? a + x!.length : a));
  const keep = intOf(node, 'keepdims', 1) === 1;
  return [x!.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]))];
}

/** Shapes of every value of the forward graph, from its inputs' and initializers' shapes. */
export function inferShapes(nodes: readonly OnnxNode[], known: Map<string, Shape>, constant: (name: string) => OnnxTensor | undefined): Map<string, Shape> {
  const shapes = new Map(known);
  for (const node of nodes) {
    const rule = rules[node.opType];
    if (!rule) throw new LettersError(`node '${node.name}': ONNX op ${node.opType} cannot be trained (no shape rule)`);
    const inputs = node.input.map((name) => {
      const shape = shapes.get(name);
      if (!shape) throw new LettersError(`node '${node.name}': input '${name}' has no known shape`);
      return shape;
    });
    rule(node, inputs, constant).forEach((shape, i) => shapes.set(node.output[i]!, shape));
  }
  return shapes;
}
