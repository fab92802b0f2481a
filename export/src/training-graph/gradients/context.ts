import { LettersError } from '@letters/contract';
import { intAttr, intsAttr, type GraphBuilder } from '../../onnx/graph-builder.ts';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../../onnx/schema.ts';
import type { Shape } from '../shapes.ts';

/** What a gradient rule sees: the graph to append backward nodes to, and the forward values' shapes. */
export class GradientContext {
  constructor(
    readonly graph: GraphBuilder,
    private readonly shapes: ReadonlyMap<string, Shape>,
    private readonly constants: (name: string) => OnnxTensor | undefined,
    /** Name prefix of the backward nodes of the node being differentiated. */
    public scope = 'grad',
  ) {}

  shape(name: string): Shape {
    const shape = this.shapes.get(name);
    if (!shape) throw new Error(`training graph: no shape for '${name}'`);
    return shape;
  }

  constant(name: string): OnnxTensor | undefined {
    return this.constants(name);
  }

  /** Appends a backward node and returns its output. */
  op(opType: string, inputs: readonly string[], attributes: OnnxAttribute[] = []): string {
    return this.graph.node(opType, inputs, this.scope, attributes);
  }

  scalar(value: number): string {
    return this.graph.scalar(value);
  }

  int64(values: readonly number[]): string {
    return this.graph.int64Tensor(`${this.scope}/const`, values);
  }

  /** Sum over `axes` (ReduceSum takes its axes as an input since opset 13). */
  sum(x: string, axes: readonly number[], keepdims: boolean): string {
    return this.op('ReduceSum', [x, this.int64(axes)], [intAttr('keepdims', keepdims ? 1 : 0)]);
  }

  mean(x: string, axes: readonly number[], keepdims: boolean): string {
    return this.op('ReduceMean', [x], [intsAttr('axes', axes), intAttr('keepdims', keepdims ? 1 : 0)]);
  }

  /** `dy` where `condition`, else 0. */
  where(condition: string, dy: string): string {
    return this.op('Where', [condition, dy, this.scalar(0)]);
  }

  /**
   * Sums a gradient of the broadcast result `outShape` back to an operand's shape (the adjoint of
   * broadcasting): leading axes the operand lacks and axes where it has 1 are summed.
   */
  unbroadcast(grad: string, outShape: Shape, operand: Shape): string {
    const offset = outShape.length - operand.length;
    const axes = outShape.flatMap((d, i) => (i < offset || (operand[i - offset] === 1 && d !== 1) ? [i] : []));
    if (axes.length === 0) return grad;
    const summed = this.sum(grad, axes, true);
    if (offset === 0) return summed;
    return this.op('Reshape', [summed, this.int64(operand.map((d) => d ?? -1))]);
  }

  unsupported(node: OnnxNode, problem: string): never {
    throw new LettersError(`node '${node.name}' (${node.opType}): ${problem}; this graph cannot be trained on onnxruntime`);
  }
}

/**
 * The gradient of one ONNX op: given the gradients of its outputs (undefined where none flows back)
 * and which inputs need one, returns each input's gradient (undefined where not needed or zero).
 */
export type GradientRule = (
  g: GradientContext,
  node: OnnxNode,
  outputGrads: readonly (string | undefined)[],
  needs: readonly boolean[],
) => (string | undefined)[];
