import { intAttr } from '../../onnx/graph-builder.ts';
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
 * MaxPool with tiling windows, polyphase: for each window offset (i, j), the input pixels at that offset
 * ([N, C, Ho, Wo], a strided Slice) that equal the window's maximum get the window's gradient, unless an
 * earlier offset already did. Ties go to the first maximum in row-major order, as tfjs's kernels do: ties
 * are common (a blank background gives every pixel of a window the same activation), and sharing the
 * gradient among them would multiply it. The pieces interleave back into [N, C, H, W]. Cheaper than
 * MaxPool's Indices output with MaxUnpool: Indices leave onnxruntime's fast pooling path.
 */
export const maxPool: GradientRule = (g, node, [dy]) => {
  const { k } = tiling(g, node);
  const x = node.input[0]!;
  const y = node.output[0]!;
  const [, c, h, w] = g.shape(x) as [null, number, number, number];
  const [, , ho, wo] = g.shape(y) as [null, number, number, number];
  const covered: [number, number] = [ho * k[0], wo * k[1]];
  const input = fitSpatial(g, x, [h, w], covered, -3.4e38);
  const zero = g.scalar(0);
  let taken: string | undefined;
  const rows: string[] = [];
  for (let i = 0; i < k[0]; i++) {
    const pieces: string[] = [];
    for (let j = 0; j < k[1]; j++) {
      const at = g.op('Slice', [input, g.int64([i, j]), g.int64([covered[0], covered[1]]), g.int64([2, 3]), g.int64(k)]);
      let isMax = g.op('Equal', [at, y]);
      if (taken) {
        const first = g.op('And', [isMax, g.op('Not', [taken])]);
        taken = g.op('Or', [taken, isMax]);
        isMax = first;
      } else {
        taken = isMax;
      }
      pieces.push(g.op('Unsqueeze', [g.op('Where', [isMax, dy!, zero]), g.int64([3, 5])]));
    }
    rows.push(pieces.length === 1 ? pieces[0]! : g.op('Concat', pieces, [intAttr('axis', 5)]));
  }
  const interleaved = rows.length === 1 ? rows[0]! : g.op('Concat', rows, [intAttr('axis', 3)]);
  const full = g.op('Reshape', [interleaved, g.int64([0, c, covered[0], covered[1]])]);
  return [fitSpatial(g, full, covered, [h, w], 0)];
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

