import type { GradientRule } from './context.ts';

/** Relu: the gradient passes where the output is positive (the same pixels as a positive input). */
export const relu: GradientRule = (g, node, [dy]) => [g.where(g.op('Greater', [node.output[0]!, g.scalar(0)]), dy!)];
