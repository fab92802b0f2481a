import { LettersError } from '@letters/contract';
import type { OnnxNode } from '../onnx/schema.ts';
import { gradientRules, type GradientContext } from './gradients/index.ts';

/**
 * Reverse-mode differentiation of the forward nodes: from the gradients of some values (`seeds`),
 * the gradients of the `wanted` values (weights). Only nodes between a wanted value and a seed are
 * differentiated; a value used twice gets the sum of its gradients.
 */
export function differentiate(
  g: GradientContext,
  forward: readonly OnnxNode[],
  seeds: ReadonlyMap<string, string>,
  wanted: ReadonlySet<string>,
): Map<string, string> {
  const requires = new Set(wanted);
  for (const node of forward) {
    if (node.input.some((name) => requires.has(name))) for (const name of node.output) requires.add(name);
  }
  const grads = new Map(seeds);
  for (const node of [...forward].reverse()) {
    const outputGrads = node.output.map((name) => grads.get(name));
    const needs = node.input.map((name) => requires.has(name));
    if (outputGrads.every((d) => d === undefined) || !needs.some(Boolean)) continue;
    const rule = gradientRules[node.opType];
    if (!rule) {
      throw new LettersError(
        `node '${node.name}': ONNX op ${node.opType} has no gradient rule, so this model cannot be trained on onnxruntime; ops with one: ${Object.keys(gradientRules).join(', ')}`,
      );
    }
    g.scope = `grad/${node.name ?? node.output[0]}`;
    rule(g, node, outputGrads, needs).forEach((grad, i) => {
      const input = node.input[i]!;
      if (grad === undefined || !needs[i]) return;
      const previous = grads.get(input);
      grads.set(input, previous === undefined ? grad : g.op('Add', [previous, grad]));
    });
  }
  const result = new Map<string, string>();
  for (const name of wanted) {
    const grad = grads.get(name);
    if (grad === undefined) throw new LettersError(`weight '${name}' does not affect the loss, so it cannot be trained`);
    result.set(name, grad);
  }
  return result;
}
