import * as tf from '@tensorflow/tfjs';

export const OPTIMIZERS = ['rmsprop', 'adam', 'sgd', 'momentum'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface OptimizerConfig {
  readonly name: OptimizerName;
  readonly learningRate: number;
}

/** A tfjs optimizer with Keras' defaults (rmsprop rho 0.9, adam betas 0.9/0.999, momentum 0.9). */
export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  switch (config.name) {
    case 'rmsprop':
      return tf.train.rmsprop(config.learningRate, 0.9);
    case 'adam':
      return tf.train.adam(config.learningRate, 0.9, 0.999);
    case 'sgd':
      return tf.train.sgd(config.learningRate);
    case 'momentum':
      return tf.train.momentum(config.learningRate, 0.9);
  }
}

export function getLearningRate(optimizer: tf.Optimizer): number {
  return Number(optimizer.getConfig().learningRate);
}

/**
 * Changes an optimizer's learning rate between steps. tfjs has a setter only on SGD (and
 * momentum); Adam and RMSProp read their `learningRate` field at every step, so setting it works,
 * and the check below catches a tfjs version where it would not.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // instanceof cannot tell them apart: tfjs optimizers answer it by duck typing.
  const sgd = optimizer as Partial<tf.SGDOptimizer>;
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(learningRate);
  else (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
  if (getLearningRate(optimizer) !== learningRate) {
    throw new Error(`cannot set the learning rate of ${optimizer.getClassName()} in this tfjs version`);
  }
}
