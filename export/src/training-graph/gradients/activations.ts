import { floatOf, intOf } from '../shapes.ts';
import type { GradientRule } from './context.ts';

/** Gradients of the elementwise activations, from the output y where it determines the slope. */

export const tanh: GradientRule = (g, node, [dy]) => {
  const y = node.output[0]!;
  return [g.op('Mul', [dy!, g.op('Sub', [g.scalar(1), g.op('Mul', [y, y])])])];
};

export const sigmoid: GradientRule = (g, node, [dy]) => {
  const y = node.output[0]!;
  return [g.op('Mul', [dy!, g.op('Mul', [y, g.op('Sub', [g.scalar(1), y])])])];
};

/** Elu: 1 where x > 0, else y + alpha. */
export const elu: GradientRule = (g, node, [dy]) => {
  const y = node.output[0]!;
  const slope = g.op('Add', [y, g.scalar(floatOf(node, 'alpha', 1))]);
  return [g.op('Where', [g.op('Greater', [y, g.scalar(0)]), dy!, g.op('Mul', [dy!, slope])])];
};

/** Selu: gamma where x > 0, else y + alpha * gamma. */
export const selu: GradientRule = (g, node, [dy]) => {
  const y = node.output[0]!;
  const alpha = floatOf(node, 'alpha', 1.67326319217681884765625);
  const gamma = floatOf(node, 'gamma', 1.05070102214813232421875);
  const negative = g.op('Mul', [dy!, g.op('Add', [y, g.scalar(alpha * gamma)])]);
  return [g.op('Where', [g.op('Greater', [y, g.scalar(0)]), g.op('Mul', [dy!, g.scalar(gamma)]), negative])];
};

export const leakyRelu: GradientRule = (g, node, [dy]) => {
  const positive = g.op('Greater', [node.input[0]!, g.scalar(0)]);
  return [g.op('Where', [positive, dy!, g.op('Mul', [dy!, g.scalar(floatOf(node, 'alpha', 0.01))])])];
};

/** Clip (relu6): the gradient passes strictly inside the bounds. */
export const clip: GradientRule = (g, node, [dy]) => {
  const [x, min, max] = node.input as [string, string?, string?];
  let inside: string | undefined;
  const and = (condition: string) => (inside = inside ? g.op('And', [inside, condition]) : condition);
  if (min) and(g.op('Greater', [x, min]));
  if (max) and(g.op('Less', [x, max]));
  return [inside ? g.where(inside, dy!) : dy];
};

/** Softmax inside the network (the final one is replaced by the loss): y (dy - sum(dy y)). */
export const softmax: GradientRule = (g, node, [dy]) => {
  const y = node.output[0]!;
  const axis = intOf(node, 'axis', -1);
  const weighted = g.sum(g.op('Mul', [dy!, y]), [axis], true);
  return [g.op('Mul', [y, g.op('Sub', [dy!, weighted])])];
};
