import type { GraphBuilder } from '../onnx/graph-builder.ts';

/**
 * The optimizers, with the update rules and defaults of tfjs's (Keras' hyperparameters): a model trained
 * here continues on tfjs and back with the same state. The learning rate is a graph input, so schedules
 * change it between steps.
 */
export type OptimizerSpec =
  | { readonly name: 'rmsprop'; readonly rho?: number; readonly momentum?: number; readonly epsilon?: number }
  | { readonly name: 'adam'; readonly beta1?: number; readonly beta2?: number; readonly epsilon?: number }
  | { readonly name: 'sgd' }
  | { readonly name: 'momentum'; readonly momentum?: number };

/** Per-step scalars every update reads: the learning rate and the 1-based step number (Adam's bias correction). */
export interface StepScalars {
  readonly learningRate: string;
  readonly step: string;
}

interface Update {
  /** The weight's optimizer state, by tfjs slot name (rms, momentum, m, v): state in, state out. */
  slots: readonly string[];
  apply(g: GraphBuilder, weight: string, grad: string, slots: readonly string[], scalars: StepScalars, scope: string): { weight: string; slots: string[] };
}

const DEFAULT_EPSILON = 1e-7;

function rmsprop(spec: Extract<OptimizerSpec, { name: 'rmsprop' }>): Update {
  const rho = spec.rho ?? 0.9;
  const momentum = spec.momentum ?? 0;
  const epsilon = spec.epsilon ?? DEFAULT_EPSILON;
  return {
    // tfjs keeps a momentum slot even at momentum 0, where it only holds the last step; here it is left out.
    slots: momentum === 0 ? ['rms'] : ['rms', 'momentum'],
    apply(g, weight, grad, [rms, moment], { learningRate }, scope) {
      const op = (type: string, ...inputs: string[]) => g.node(type, inputs, scope);
      const squares = op('Add', op('Mul', rms!, g.scalar(rho)), op('Mul', op('Mul', grad, grad), g.scalar(1 - rho)));
      const step = op('Div', op('Mul', grad, learningRate), op('Sqrt', op('Add', squares, g.scalar(epsilon))));
      if (momentum === 0) return { weight: op('Sub', weight, step), slots: [squares] };
      const moments = op('Add', op('Mul', moment!, g.scalar(momentum)), step);
      return { weight: op('Sub', weight, moments), slots: [squares, moments] };
    },
  };
}

function adam(spec: Extract<OptimizerSpec, { name: 'adam' }>): Update {
  const beta1 = spec.beta1 ?? 0.9;
  const beta2 = spec.beta2 ?? 0.999;
  const epsilon = spec.epsilon ?? DEFAULT_EPSILON;
  return {
    slots: ['m', 'v'],
    apply(g, weight, grad, [m, v], { learningRate, step }, scope) {
      const op = (type: string, ...inputs: string[]) => g.node(type, inputs, scope);
      const first = op('Add', op('Mul', m!, g.scalar(beta1)), op('Mul', grad, g.scalar(1 - beta1)));
      const second = op('Add', op('Mul', v!, g.scalar(beta2)), op('Mul', op('Mul', grad, grad), g.scalar(1 - beta2)));
      const correction = (beta: number) => op('Sub', g.scalar(1), op('Pow', g.scalar(beta), step));
      const corrected = op('Div', second, correction(beta2));
      const direction = op('Div', op('Div', first, correction(beta1)), op('Add', op('Sqrt', corrected), g.scalar(epsilon)));
      return { weight: op('Sub', weight, op('Mul', direction, learningRate)), slots: [first, second] };
    },
  };
}

function momentumUpdate(spec: Extract<OptimizerSpec, { name: 'momentum' }>): Update {
  const momentum = spec.momentum ?? 0.9;
  return {
    slots: ['momentum'],
    apply(g, weight, grad, [accumulation], { learningRate }, scope) {
      const op = (type: string, ...inputs: string[]) => g.node(type, inputs, scope);
      const next = op('Add', op('Mul', accumulation!, g.scalar(momentum)), grad);
      return { weight: op('Sub', weight, op('Mul', next, learningRate)), slots: [next] };
    },
  };
}

const sgd: Update = {
  slots: [],
  apply(g, weight, grad, _slots, { learningRate }, scope) {
    return { weight: g.node('Sub', [weight, g.node('Mul', [grad, learningRate], scope)], scope), slots: [] };
  },
};

export function optimizerUpdate(spec: OptimizerSpec): Update {
  switch (spec.name) {
    case 'rmsprop':
      return rmsprop(spec);
    case 'adam':
      return adam(spec);
    case 'momentum':
      return momentumUpdate(spec);
    case 'sgd':
      return sgd;
  }
}
