import { LettersError } from '@letters/contract';
import { intAttr, intsAttr, type GraphBuilder } from '../onnx/graph-builder.ts';
import type { OnnxNode } from '../onnx/schema.ts';
import { intOf } from './shapes.ts';

export interface LossValues {
  /** Mean cross-entropy over the batch (scalar). */
  loss: string;
  /** Fraction of the batch whose argmax is its label (scalar). */
  accuracy: string;
  /** d loss / d logits. */
  logitsGrad: string;
}

/**
 * Sparse softmax cross-entropy on the logits feeding the graph's final Softmax (the one producing
 * `output`). SoftmaxCrossEntropyLoss gives the loss and the log-probabilities, whose Exp minus the
 * one-hot labels over N is the logits' gradient. Unlike Keras, probabilities are not clipped to
 * [1e-7, 1 - 1e-7]: the same loss wherever a model is not certain to 7 digits.
 */
export function softmaxCrossEntropy(graph: GraphBuilder, nodes: readonly OnnxNode[], output: string, labels: string): LossValues & { softmax: OnnxNode } {
  const softmax = nodes.find((n) => n.output[0] === output);
  if (!softmax || softmax.opType !== 'Softmax' || ![-1, 1].includes(intOf(softmax, 'axis', -1))) {
    throw new LettersError(`the model's output '${output}' is not a softmax over classes, so it cannot be trained with cross-entropy`);
  }
  const logits = softmax.input[0]!;
  const scope = 'loss';
  const [loss, logProbabilities] = graph.multiNode('SoftmaxCrossEntropyLoss', [logits, labels], scope, [], 2);
  const classes = graph.node('Shape', [logits], scope, [intAttr('start', 1)]);
  const oneHot = graph.node('OneHot', [labels, classes, graph.floatTensor(`${scope}/off_on`, [2], new Float32Array([0, 1]))], scope, [intAttr('axis', -1)]);
  const batch = graph.node('Cast', [graph.node('Shape', [labels], scope)], scope, [intAttr('to', 1)]);
  const difference = graph.node('Sub', [graph.node('Exp', [logProbabilities!], scope), oneHot], scope);
  const logitsGrad = graph.node('Div', [difference, batch], scope);
  const predicted = graph.node('ArgMax', [logits], scope, [intAttr('axis', 1), intAttr('keepdims', 0)]);
  const hits = graph.node('Cast', [graph.node('Equal', [predicted, labels], scope)], scope, [intAttr('to', 1)]);
  const accuracy = graph.node('ReduceMean', [hits], scope, [intsAttr('axes', [0]), intAttr('keepdims', 0)]);
  return { loss: loss!, accuracy, logitsGrad, softmax };
}
