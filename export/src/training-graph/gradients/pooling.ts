import type { OnnxNode } from '../../onnx/schema.ts';
import { intOf, intsOf } from '../shapes.ts';
import type { GradientContext, GradientRule } from './context.ts';

/** The window of a pool whose windows tile the input (kernel = strides), or why not. */
function tiling(g: GradientContext, node: OnnxNode): { k: [number, number]; pads: number[] } {
  const k = intsOf(node, 'kernel_shape', []) as [number, number];
  const strides = intsOf(node, 'strides', [1, 1]);
  if (k.some((size, i) => size !== strides[i]) || intOf(node, 'ceil_mode', 0) !== 0 || intsOf(node, 'dilations', [1, 1]).some((d) => d !== 1)) {
    g.unsupported(node, 'only pools whose windows tile the input (pool size = strides) have a gradient rule');
  }
  const pads = intsOf(node, 'pads', [0, 0, 0, 0]);
  if (pads[0] !== 0 || pads[1] !== 0) g.unsupported(node, 'pools padded at the top or left have no gradient rule');
  return { k, pads };
}

/** Repeats each pixel of [N, C, Ho, Wo] over its k x k window: [N, C, Ho*kh, Wo*kw] (Expand broadcasts both ways). */
function upsample(g: GradientContext, value: string, k: [number, number], c: number, ho: number, wo: number): string {
  const split = g.op('Reshape', [value, g.int64([0, c, ho, 1, wo, 1])]);
  const repeated = g.op('Expand', [split, g.int64([1, 1, 1, k[0], 1, k[1]])]);
  return g.op('Reshape', [repeated, g.int64([0, c, ho * k[0], wo * k[1]])]);
}

/** Crops (or pads with `fill`) the spatial axes of an NCHW value from [h, w] to [toH, toW], at the bottom and right. */
function fitSpatial(g: GradientContext, value: string, from: [number, number], to: [number, number], fill: number): string {
  if (from[0] === to[0] && from[1] === to[1]) return value;
  let result = value;
  if (to[0] < from[0] || to[1] < from[1]) {
    result = g.op('Slice', [result, g.int64([0, 0]), g.int64([Math.min(from[0], to[0]), Math.min(from[1], to[1])]), g.int64([2, 3])]);
  }
  if (to[0] > from[0] || to[1] > from[1]) {
    const pads = [0, 0, 0, 0, 0, 0, Math.max(0, to[0] - from[0]), Math.max(0, to[1] - from[1])];
    result = g.op('Pad', [result, g.int64(pads), g.scalar(fill)]);
  }
  return result;
}

/**
 * MaxPool with tiling windows: the gradient goes to the pixels equal to their window's maximum, found by
 * comparing the input with the upsampled output. Cheaper than MaxPool's Indices output with MaxUnpool
 * (Indices leave onnxruntime's fast pooling path). Ties share the gradient; after a Relu the only
 * likely ties are zeros, whose gradient the Relu stops anyway.
 */
export const maxPool: GradientRule = (g, node, [dy]) => {
  const { k } = tiling(g, node);
  const x = node.input[0]!;
  const [, c, h, w] = g.shape(x) as [null, number, number, number];
  const [, , ho, wo] = g.shape(node.output[0]!) as [null, number, number, number];
  const covered: [number, number] = [ho * k[0], wo * k[1]];
  const input = fitSpatial(g, x, [h, w], covered, -3.4e38);
  const isMax = g.op('Equal', [input, upsample(g, node.output[0]!, k, c, ho, wo)]);
  return [fitSpatial(g, g.where(isMax, upsample(g, dy!, k, c, ho, wo)), covered, [h, w], 0)];
};

/** AveragePool with tiling windows: each pixel gets its window's gradient over the window's pixel count. */
export const averagePool: GradientRule = (g, node, [dy]) => {
  const { k, pads } = tiling(g, node);
  const x = node.input[0]!;
  const [, c, h, w] = g.shape(x) as [null, number, number, number];
  const [, , ho, wo] = g.shape(node.output[0]!) as [null, number, number, number];
  const covered: [number, number] = [ho * k[0], wo * k[1]];
  let share = g.op('Mul', [dy!, g.scalar(1 / (k[0] * k[1]))]);
  if ((pads[2] !== 0 || pads[3] !== 0) && intOf(node, 'count_include_pad', 0) === 0) {
    // Windows over the padding average fewer pixels: divide by each window's real count.
    const counts = new Float32Array(ho * wo).map((_, i) => {
      const rows = Math.min(k[0], h - Math.floor(i / wo) * k[0]);
      const cols = Math.min(k[1], w - (i % wo) * k[1]);
      return 1 / (rows * cols);
    });
    share = g.op('Mul', [dy!, g.graph.floatTensor(`${g.scope}/counts`, [ho, wo], counts)]);
  }
  return [fitSpatial(g, upsample(g, share, k, c, ho, wo), covered, [h, w], 0)];
};

