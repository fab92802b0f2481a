import { intAttr, intsAttr } from '../../onnx/graph-builder.ts';
import { intOf, intsOf } from '../shapes.ts';
import type { GradientContext, GradientRule } from './context.ts';

/**
 * Conv (2-D, NCHW, one group). Bias: a sum over batch and positions. Input: ConvTranspose of the output
 * gradient with the same filter. Filter: one well-shaped GEMM, [Co, N*Ho*Wo] x [N*Ho*Wo, kh*kw*Ci], over
 * patches gathered by strided Slices of the channels-last input (im2col). Conv's own filter-gradient form,
 * a Conv whose kernel is the whole output gradient, is a GEMM with only kh*kw columns and runs much slower.
 */
export const conv: GradientRule = (g, node, [dy], needs) => {
  const [x, w] = node.input as [string, string, string?];
  if (intOf(node, 'group', 1) !== 1) g.unsupported(node, 'grouped convolutions have no gradient rule');
  if (intsOf(node, 'dilations', [1, 1]).some((d) => d !== 1)) g.unsupported(node, 'dilated convolutions have no gradient rule');
  const [, ci, h, wd] = g.shape(x) as [null, number, number, number];
  const [co, , kh, kw] = g.shape(w) as [number, number, number, number];
  const [, , ho, wo] = g.shape(node.output[0]!) as [null, number, number, number];
  const strides = intsOf(node, 'strides', [1, 1]) as [number, number];
  const pads = intsOf(node, 'pads', [0, 0, 0, 0]);
  const grads: (string | undefined)[] = [undefined, undefined, undefined];
  if (needs[2]) grads[2] = g.sum(dy!, [0, 2, 3], false);
  if (needs[0]) {
    // The transposed convolution covers (Ho - 1) * s + k - pads pixels; output_padding adds the rows
    // and columns a stride left out of the forward pass (they get no gradient).
    const outputPadding = [0, 1].map((i) => [h, wd][i]! - ((([ho, wo][i]! - 1) * strides[i]!) + [kh, kw][i]! - pads[i]! - pads[i + 2]!));
    grads[0] = g.op('ConvTranspose', [dy!, w], [
      intsAttr('kernel_shape', [kh, kw]),
      intsAttr('strides', strides),
      intsAttr('pads', pads),
      intsAttr('output_padding', outputPadding),
    ]);
  }
  if (needs[1]) grads[1] = filterGradient(g, x, dy!, { ci, co, kh, kw, ho, wo, strides, pads });
  return grads;
};

interface Geometry {
  ci: number;
  co: number;
  kh: number;
  kw: number;
  ho: number;
  wo: number;
  strides: [number, number];
  pads: number[];
}

function filterGradient(g: GradientContext, x: string, dy: string, geo: Geometry): string {
  const { ci, co, kh, kw, ho, wo, strides, pads } = geo;
  let nhwc = channelsLast(g, x);
  if (pads.some((p) => p !== 0)) {
    nhwc = g.op('Pad', [nhwc, g.int64([0, pads[0]!, pads[1]!, 0, 0, pads[2]!, pads[3]!, 0])]);
  }
  const patches: string[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const starts = g.int64([i, j]);
      const ends = g.int64([i + (ho - 1) * strides[0] + 1, j + (wo - 1) * strides[1] + 1]);
      patches.push(g.op('Slice', [nhwc, starts, ends, g.int64([1, 2]), g.int64(strides)]));
    }
  }
  // [N, Ho, Wo, kh*kw*Ci] as rows of kh*kw*Ci, ordered (kh, kw, ci).
  const columns = g.op('Reshape', [patches.length === 1 ? patches[0]! : g.op('Concat', patches, [intAttr('axis', 3)]), g.int64([-1, kh * kw * ci])]);
  const rows = g.op('Reshape', [g.op('Transpose', [dy], [intsAttr('perm', [1, 0, 2, 3])]), g.int64([co, -1])]);
  const product = g.op('MatMul', [rows, columns]);
  const hwio = g.op('Reshape', [product, g.int64([co, kh, kw, ci])]);
  return g.op('Transpose', [hwio], [intsAttr('perm', [0, 3, 1, 2])]);
}

/** The channels-last form of an NCHW value: the Transpose's input when the forward graph made it from one. */
function channelsLast(g: GradientContext, x: string): string {
  const producer = g.graph.nodeList.find((n) => n.output[0] === x);
  if (producer?.opType === 'Transpose' && intsOf(producer, 'perm', []).join() === '0,3,1,2') return producer.input[0]!;
  return g.op('Transpose', [x], [intsAttr('perm', [0, 2, 3, 1])]);
}
