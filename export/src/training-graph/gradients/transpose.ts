import { intsAttr } from '../../onnx/graph-builder.ts';
import { intsOf } from '../shapes.ts';
import type { GradientRule } from './context.ts';

/** Transpose: the inverse permutation. */
export const transpose: GradientRule = (g, node, [dy]) => {
  const perm = intsOf(node, 'perm', []);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [g.op('Transpose', [dy!], [intsAttr('perm', inverse)])];
};
