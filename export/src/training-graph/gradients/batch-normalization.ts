import { intAttr } from '../../onnx/graph-builder.ts';
import { floatOf, intOf } from '../shapes.ts';
import type { GradientRule } from './context.ts';

/**
 * BatchNormalization over channels (axis 1, NCHW or [N, C]). In training mode the output was normalized
 * by the batch's own statistics, which depend on the input: with x^ = (x - mean) * r, r = 1/sqrt(var + eps),
 * dx = gamma r (dy - mean(dy) - x^ mean(dy x^)). opset 15 outputs no saved statistics, so they are
 * recomputed here. In inference mode (a fine-tune that keeps the statistics) the op is affine in x.
 */
export const batchNormalization: GradientRule = (g, node, [dy], needs) => {
  const [x, gamma, , runningMean, runningVariance] = node.input as [string, string, string, string, string];
  const training = intOf(node, 'training_mode', 0) === 1;
  const epsilon = floatOf(node, 'epsilon', 1e-5);
  const shape = g.shape(x);
  const channels = shape[1]!;
  const axes = shape.map((_, i) => i).filter((i) => i !== 1);
  const perChannel = (value: string) => g.op('Reshape', [value, g.int64(shape.map((_, i) => (i === 1 ? channels : 1)))]);
  let mean: string;
  let variance: string;
  if (training) {
    mean = g.mean(x, axes, true);
    const centered = g.op('Sub', [x, mean]);
    variance = g.mean(g.op('Mul', [centered, centered]), axes, true);
  } else {
    mean = perChannel(runningMean);
    variance = perChannel(runningVariance);
  }
  const inverseStd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(epsilon)])])]);
  const normalized = g.op('Mul', [g.op('Sub', [x, mean]), inverseStd]);
  const grads: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
  const sumDy = g.sum(dy!, axes, true);
  const sumDyX = g.sum(g.op('Mul', [dy!, normalized]), axes, true);
  const flat = (value: string) => g.op('Reshape', [value, g.int64([channels])]);
  if (needs[1]) grads[1] = flat(sumDyX);
  if (needs[2]) grads[2] = flat(sumDy);
  if (needs[0]) {
    const scale = g.op('Mul', [perChannel(gamma), inverseStd]);
    if (!training) {
      grads[0] = g.op('Mul', [dy!, scale]);
    } else {
      // mean(dy) and mean(dy x^) from the sums: the count is N*H*W, N known only at run time.
      const count = g.op('Div', [g.op('Cast', [g.op('Size', [x])], [intAttr('to', 1)]), g.scalar(channels)]);
      const correction = g.op('Add', [sumDy, g.op('Mul', [normalized, sumDyX])]);
      const centered = g.op('Sub', [dy!, g.op('Div', [correction, count])]);
      grads[0] = g.op('Mul', [centered, scale]);
    }
  }
  return grads;
};
