import type { GradientRule } from './context.ts';

export const identity: GradientRule = (_g, _node, [dy]) => [dy];
