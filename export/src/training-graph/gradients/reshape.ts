import type { GradientRule } from './context.ts';

/** Reshape and Flatten: the gradient takes the input's shape back (read at run time: the batch is free). */
export const reshape: GradientRule = (g, node, [dy]) => [g.op('Reshape', [dy!, g.op('Shape', [node.input[0]!])])];
