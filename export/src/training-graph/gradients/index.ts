// One gradient rule per ONNX op, as tfjs-backend-wasm keeps one file per kernel; the registry maps op types to rules.
import { clip, elu, leakyRelu, selu, sigmoid, softmax, tanh } from './activations.ts';
import { addOrSub, mul } from './arithmetic.ts';
import { batchNormalization } from './batch-normalization.ts';
import type { GradientRule } from './context.ts';
import { conv } from './conv.ts';
import { gemm } from './gemm.ts';
import { identity } from './identity.ts';
import { averagePool, maxPool } from './pooling.ts';
import { relu } from './relu.ts';
import { reshape } from './reshape.ts';
import { transpose } from './transpose.ts';

export { GradientContext, type GradientRule } from './context.ts';

export const gradientRules: Readonly<Record<string, GradientRule>> = {
  Add: addOrSub(1),
  AveragePool: averagePool,
  BatchNormalization: batchNormalization,
  Clip: clip,
  Conv: conv,
  Elu: elu,
  Flatten: reshape,
  Gemm: gemm,
  Identity: identity,
  LeakyRelu: leakyRelu,
  MaxPool: maxPool,
  Mul: mul,
  Relu: relu,
  Reshape: reshape,
  Selu: selu,
  Sigmoid: sigmoid,
  Softmax: softmax,
  Sub: addOrSub(-1),
  Tanh: tanh,
  Transpose: transpose,
};
