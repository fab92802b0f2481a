import { LettersError } from '@letters/contract';
import { floatAttr, intAttr } from '../onnx/graph-builder.ts';
import type { ConversionContext } from './context.ts';

// SELU's constants as tfjs uses them (float32); ONNX's defaults are the same numbers, written explicitly.
const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507009873554805;

type ActivationEmitter = (ctx: ConversionContext, scope: string) => void;

/** Elementwise activations: one ONNX op each, layout-independent. */
const elementwise: Record<string, string> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softplus: 'Softplus',
  softsign: 'Softsign',
};

/** x * f(x), with f given as a chain of elementwise ops (swish, mish). */
function gated(ops: string[]): ActivationEmitter {
  return (ctx, scope) => {
    const x = ctx.current.name;
    for (const op of ops) ctx.apply(op, scope);
    ctx.apply('Mul', scope, { extraInputs: [x] });
  };
}

const emitters: Record<string, ActivationEmitter> = {
  linear: () => {},
  elu: (ctx, scope) => ctx.apply('Elu', scope, { attributes: [floatAttr('alpha', 1)] }),
  selu: (ctx, scope) =>
    ctx.apply('Selu', scope, { attributes: [floatAttr('alpha', SELU_ALPHA), floatAttr('gamma', SELU_GAMMA)] }),
  relu6: (ctx, scope) => clip(ctx, scope, 0, 6),
  hardSigmoid: (ctx, scope) =>
    ctx.apply('HardSigmoid', scope, { attributes: [floatAttr('alpha', 0.2), floatAttr('beta', 0.5)] }),
  softmax: (ctx, scope) => softmax(ctx, scope, -1),
  logSoftmax: (ctx, scope) => ctx.apply('LogSoftmax', scope, { attributes: [intAttr('axis', ctx.channelAxis())] }),
  swish: gated(['Sigmoid']),
  mish: gated(['Softplus', 'Tanh']),
  // tfjs 'gelu' is the exact form x * 0.5 * (1 + erf(x / sqrt 2)).
  gelu: (ctx, scope) => {
    const x = ctx.current.name;
    ctx.apply('Div', scope, { extraInputs: [ctx.graph.scalar(Math.SQRT2)] });
    ctx.apply('Erf', scope);
    ctx.apply('Add', scope, { extraInputs: [ctx.graph.scalar(1)] });
    ctx.apply('Mul', scope, { extraInputs: [ctx.graph.scalar(0.5)] });
    ctx.apply('Mul', scope, { extraInputs: [x] });
  },
  ...Object.fromEntries(
    Object.entries(elementwise).map(([name, op]) => [name, (ctx: ConversionContext, scope: string) => ctx.apply(op, scope)]),
  ),
};

/** The activation names the exporter supports (tfjs spellings). */
export const supportedActivations: readonly string[] = Object.keys(emitters).sort();

/** Emits a Keras activation by its tfjs name (as in a layer's `activation` config) on the current value. */
export function emitActivation(ctx: ConversionContext, name: string, scope: string): void {
  const emit = emitters[name];
  if (!emit) {
    throw new LettersError(
      `layer '${scope}': activation '${name}' cannot be exported to ONNX; supported: ${supportedActivations.join(', ')}`,
    );
  }
  emit(ctx, scope);
}

/** Clip to [min, max]; since opset 11 the bounds are inputs, not attributes. */
export function clip(ctx: ConversionContext, scope: string, min: number, max: number): void {
  ctx.apply('Clip', scope, { extraInputs: [ctx.graph.scalar(min), ctx.graph.scalar(max)] });
}

/** Softmax over a Keras axis (negative counts from the end), mapped to the ONNX axis of the current layout. */
export function softmax(ctx: ConversionContext, scope: string, kerasAxis: number): void {
  const rank = ctx.current.shape.length;
  const axis = kerasAxis < 0 ? rank + kerasAxis : kerasAxis;
  const last = axis === rank - 1;
  const onnxAxis = ctx.current.layout === 'nchw' ? [0, 2, 3, 1][axis]! : axis;
  ctx.apply('Softmax', scope, { attributes: [intAttr('axis', onnxAxis)] });
  ctx.current.probabilities = last && rank === 2;
}
