import * as tf from '@tensorflow/tfjs';
import { createRandom } from '../data/random.ts';
import type { Activation, ModelConfig } from './config.ts';

export interface BuildOptions {
  /** Model outputs: 27 for Letters (class 0 unused), 10 for digits. */
  readonly numClasses: number;
  readonly height?: number;
  readonly width?: number;
  /** Seeds every kernel initializer, so the same seed gives the same initial weights. */
  readonly seed: number;
}

/**
 * Builds the tfjs Layers model a config describes, from layers the ONNX exporter supports only:
 * Conv2D, Dense, MaxPooling2D, AveragePooling2D, BatchNormalization, Dropout, Flatten, Activation,
 * LeakyReLU. Input NHWC [N, height, width, 1] in [0, 1]; output softmax probabilities.
 */
export function buildModel(config: ModelConfig, options: BuildOptions): tf.Sequential {
  const { numClasses, height = 28, width = 28 } = options;
  const random = createRandom(options.seed);
  const kernel = () => {
    const seed = random.int(2 ** 31);
    return tf.initializers[config.initializer]({ seed });
  };
  const regularizer = config.l2 > 0 ? tf.regularizers.l2({ l2: config.l2 }) : undefined;
  const model = tf.sequential();

  // A hidden layer: the linear part, then activation and batch norm in the configured order.
  // With batch norm before the activation the bias is redundant (BN's beta replaces it).
  // Momentum 0.9, not tfjs's 0.99: the moving statistics settle within a few dozen steps, so a
  // one-epoch tuning budget or a small dataset evaluates batch norm fairly.
  const batchNorm = (name: string) => tf.layers.batchNormalization({ name: `${name}_bn`, momentum: 0.9 });
  const hidden = (name: string, linear: (args: { activation: TfActivation; useBias: boolean }) => tf.layers.Layer) => {
    const inline = config.batchNorm === 'off' && config.activation !== 'leakyReLU' ? config.activation : undefined;
    model.add(linear({ activation: inline ?? 'linear', useBias: config.batchNorm !== 'beforeActivation' }));
    if (config.batchNorm === 'beforeActivation') model.add(batchNorm(name));
    if (inline === undefined) model.add(activationLayer(config.activation, `${name}_${config.activation}`));
    if (config.batchNorm === 'afterActivation') model.add(batchNorm(name));
  };
  const inputShape = [height, width, 1];
  if (config.architecture === 'convnet') {
    config.filters.forEach((filters, block) => {
      for (let i = 0; i < config.convsPerBlock; i++) {
        const name = `block${block + 1}_conv${i + 1}`;
        hidden(name, ({ activation, useBias }) =>
          tf.layers.conv2d({
            name,
            ...(block === 0 && i === 0 ? { inputShape } : {}),
            filters,
            kernelSize: 3,
            padding: config.padding,
            activation,
            useBias,
            kernelInitializer: kernel(),
            kernelRegularizer: regularizer,
          }),
        );
      }
      if (block === config.filters.length - 1) return;
      const name = `block${block + 1}_pool`;
      if (config.pooling === 'max') model.add(tf.layers.maxPooling2d({ name, poolSize: 2 }));
      else if (config.pooling === 'average') model.add(tf.layers.averagePooling2d({ name, poolSize: 2 }));
      else {
        hidden(name, ({ activation, useBias }) =>
          tf.layers.conv2d({
            name,
            filters,
            kernelSize: 2,
            strides: 2,
            activation,
            useBias,
            kernelInitializer: kernel(),
            kernelRegularizer: regularizer,
          }),
        );
      }
      if (config.dropout.conv > 0) model.add(tf.layers.dropout({ name: `${name}_dropout`, rate: config.dropout.conv }));
    });
    model.add(tf.layers.flatten({ name: 'flatten' }));
  } else {
    model.add(tf.layers.flatten({ name: 'flatten', inputShape }));
  }
  config.denseUnits.forEach((units, i) => {
    const name = `dense${i + 1}`;
    hidden(name, ({ activation, useBias }) =>
      tf.layers.dense({
        name,
        units,
        activation,
        useBias,
        kernelInitializer: kernel(),
        kernelRegularizer: regularizer,
      }),
    );
    if (config.dropout.dense > 0) model.add(tf.layers.dropout({ name: `${name}_dropout`, rate: config.dropout.dense }));
  });
  model.add(
    tf.layers.dense({
      name: 'probabilities',
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: kernel(),
      kernelRegularizer: regularizer,
    }),
  );
  return model;
}

type TfActivation = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;

function activationLayer(activation: Activation, name: string): tf.layers.Layer {
  // Keras' LeakyReLU default slope; tfjs has no 'leakyReLU' activation string, only the layer.
  if (activation === 'leakyReLU') return tf.layers.leakyReLU({ name, alpha: 0.3 });
  return tf.layers.activation({ name, activation });
}
