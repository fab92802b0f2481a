import { intAttr } from '../../onnx/graph-builder.ts';
import { floatOf, intOf } from '../shapes.ts';
import type { GradientRule } from './context.ts';

/** Gemm Y = A B + C (B optionally transposed, as other exporters write Dense layers): two GEMMs and a column sum. */
export const gemm: GradientRule = (g, node, [dy], needs) => {
  if (intOf(node, 'transA', 0) !== 0 || floatOf(node, 'alpha', 1) !== 1 || floatOf(node, 'beta', 1) !== 1) {
    g.unsupported(node, 'only Gemm with transA 0 and alpha = beta = 1 has a gradient rule');
  }
  const [a, b, c] = node.input as [string, string, string?];
  const transB = intOf(node, 'transB', 0) === 1;
  const trans = (flag: boolean) => intAttr(flag ? 'transB' : 'transA', 1);
  const grads: (string | undefined)[] = [undefined, undefined, undefined];
  // dA = dY B^T; dB = A^T dY, or dY^T A when B is stored transposed.
  if (needs[0]) grads[0] = g.op('Gemm', [dy!, b], transB ? [] : [trans(true)]);
  if (needs[1]) grads[1] = transB ? g.op('Gemm', [dy!, a], [trans(false)]) : g.op('Gemm', [a, dy!], [trans(false)]);
  if (needs[2] && c) grads[2] = g.unbroadcast(dy!, g.shape(node.output[0]!), g.shape(c));
  return grads;
};
