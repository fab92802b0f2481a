import type { GradientRule } from './context.ts';

/** Add and Sub: the gradient, summed back over broadcast axes (negated for Sub's subtrahend). */
export function addOrSub(sign: 1 | -1): GradientRule {
  return (g, node, [dy], needs) => {
    const out = g.shape(node.output[0]!);
    return node.input.map((input, i) => {
      if (!needs[i]) return undefined;
      const grad = g.unbroadcast(dy!, out, g.shape(input));
      return i === 1 && sign === -1 ? g.op('Neg', [grad]) : grad;
    });
  };
}

/** Mul: each factor's gradient is the other factor times the output's, summed back over broadcast axes. */
export const mul: GradientRule = (g, node, [dy], needs) => {
  const out = g.shape(node.output[0]!);
  const [a, b] = node.input as [string, string];
  return [
    needs[0] ? g.unbroadcast(g.op('Mul', [dy!, b]), out, g.shape(a)) : undefined,
    needs[1] ? g.unbroadcast(g.op('Mul', [dy!, a]), out, g.shape(b)) : undefined,
  ];
};
