import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeModel, encodeModel } from '../src/onnx/schema.ts';
import { checkParity, DEFAULT_TOLERANCE } from '../src/verify/parity.ts';
import { figures, head, parityOf, randomizeWeights, record, seeded, sequential, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);
afterAll(() => console.table(figures));

/** Exports, runs in onnxruntime-node, and expects tfjs parity within the export's default tolerance. */
async function expectParity(name: string, model: tf.LayersModel, imageShape?: [number, number, number]) {
  const report = await parityOf(model, { imageShape });
  record(name, report);
  expect(report.maxAbsDiff).toBeLessThan(DEFAULT_TOLERANCE);
  expect(report.argmaxAgreement).toBe(1);
  return report;
}

const conv = (args: Partial<Parameters<typeof tf.layers.conv2d>[0]> & { seed?: number }) =>
  tf.layers.conv2d({ filters: 4, kernelSize: 3, kernelInitializer: seeded(args.seed ?? 1), biasInitializer: 'ones', ...args });

describe('Conv2D', () => {
  for (const padding of ['valid', 'same'] as const) {
    test(`padding ${padding}, 28x28`, async () => {
      await expectParity(`conv ${padding}`, sequential([28, 28, 1], [conv({ padding, activation: 'relu' }), tf.layers.flatten(), head()]));
    });
    test(`padding ${padding}, odd 27x23 input, kernel 4x3, stride 3x2`, async () => {
      const model = sequential([27, 23, 1], [
        conv({ padding, kernelSize: [4, 3], strides: [3, 2] }),
        conv({ padding, filters: 3, kernelSize: 2, strides: 2, seed: 2 }),
        tf.layers.flatten(),
        head(),
      ]);
      await expectParity(`conv ${padding} 27x23 k4x3 s3x2`, model);
    });
  }
  test('same padding puts the odd pixel at the end (asymmetric pads)', async () => {
    const model = sequential([28, 28, 1], [conv({ padding: 'same', kernelSize: 4, strides: 2 }), tf.layers.flatten(), head()]);
    const { onnx } = await expectParity('conv same k4 s2 (asymmetric)', model);
    const node = decodeModel(onnx).graph.node.find((n) => n.opType === 'Conv')!;
    // out = ceil(28/2) = 14; total pad = 13*2 + 4 - 28 = 2 -> [1, 1, 1, 1]; kernel 4 stride 2 on 27 would be asymmetric.
    expect(node.attribute!.find((a) => a.name === 'pads')!.ints).toEqual([1, 1, 1, 1]);
    const odd = sequential([27, 27, 1], [conv({ padding: 'same', kernelSize: 4, strides: 2 }), tf.layers.flatten(), head()]);
    const { onnx: oddOnnx } = await expectParity('conv same k4 s2 27x27 (asymmetric)', odd);
    const oddNode = decodeModel(oddOnnx).graph.node.find((n) => n.opType === 'Conv')!;
    // out = 14; total = 13*2 + 4 - 27 = 3 -> begin 1, end 2.
    expect(oddNode.attribute!.find((a) => a.name === 'pads')!.ints).toEqual([1, 1, 2, 2]);
  });
  test('dilation, no bias, multi-channel input', async () => {
    const model = sequential([20, 17, 2], [
      conv({ padding: 'same', dilationRate: 2, useBias: false }),
      conv({ padding: 'valid', dilationRate: [2, 1], filters: 5, seed: 3 }),
      tf.layers.flatten(),
      head(),
    ]);
    await expectParity('conv dilated, no bias, 20x17x2', model);
  });
});

describe('pooling', () => {
  for (const kind of ['maxPooling2d', 'averagePooling2d'] as const) {
    for (const padding of ['valid', 'same'] as const) {
      test(`${kind} ${padding}, pool 3 stride 2 on 27x23`, async () => {
        const model = sequential([27, 23, 1], [
          conv({ padding: 'same' }),
          tf.layers[kind]({ poolSize: 3, strides: 2, padding }),
          tf.layers[kind]({ poolSize: [2, 3], padding }),
          tf.layers.flatten(),
          head(),
        ]);
        await expectParity(`${kind} ${padding} 27x23`, model);
      });
    }
  }
  test('global average and max pooling', async () => {
    for (const pool of [tf.layers.globalAveragePooling2d({}), tf.layers.globalMaxPooling2d({})]) {
      await expectParity(pool.getClassName(), sequential([28, 28, 1], [conv({ filters: 8 }), pool, head()]));
    }
  });
});

describe('BatchNormalization', () => {
  /**
   * Statistics far from the initial ones, small variances so that epsilon matters, and small gammas
   * so that the normalized values stay moderate and the softmax does not saturate.
   */
  function setStatistics(layer: tf.layers.Layer, channels: number, seed: number) {
    const values = layer.weights.map((w, i) => {
      const name = w.originalName.split('/').at(-1);
      if (name === 'moving_variance') return tf.randomUniform([channels], 0.002, 0.05, 'float32', seed + i);
      if (name === 'gamma') return tf.randomUniform([channels], 0.02, 0.1, 'float32', seed + i);
      return tf.randomUniform([channels], -0.5, 0.5, 'float32', seed + i);
    });
    layer.setWeights(values);
  }

  test('non-default epsilon and momentum, after conv and after dense', async () => {
    const convBn = tf.layers.batchNormalization({ epsilon: 0.01, momentum: 0.5 });
    const denseBn = tf.layers.batchNormalization({ epsilon: 0.02, momentum: 0.9 });
    const model = sequential([28, 28, 1], [
      conv({ filters: 6 }),
      convBn,
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 16, kernelInitializer: seeded(5) }),
      denseBn,
      head(),
    ]);
    setStatistics(convBn, 6, 10);
    setStatistics(denseBn, 16, 20);
    const { onnx } = await expectParity('batchnorm eps 0.01/0.02, momentum 0.5/0.9', model);
    const epsilons = decodeModel(onnx)
      .graph.node.filter((n) => n.opType === 'BatchNormalization')
      .map((n) => n.attribute!.find((a) => a.name === 'epsilon')!.f);
    expect(epsilons[0]).toBeCloseTo(0.01, 7);
    expect(epsilons[1]).toBeCloseTo(0.02, 7);
  });

  test('default Keras epsilon 1e-3 is written, not left to the ONNX default 1e-5', async () => {
    const bn = tf.layers.batchNormalization({});
    const model = sequential([12, 12, 1], [conv({}), bn, tf.layers.flatten(), head()]);
    setStatistics(bn, 4, 30);
    const { onnx } = await expectParity('batchnorm default epsilon', model);
    const decoded = decodeModel(onnx);
    const epsilon = decoded.graph.node.find((n) => n.opType === 'BatchNormalization')!.attribute!.find((a) => a.name === 'epsilon')!;
    expect(epsilon.f).toBeCloseTo(1e-3, 9);
    // Control: the same graph with ONNX's default epsilon fails the parity check.
    epsilon.f = 1e-5;
    const wrong = await checkParity(model, encodeModel(decoded), [12, 12, 1]);
    expect(wrong.maxAbsDiff).toBeGreaterThan(DEFAULT_TOLERANCE);
  });

  test('center: false and scale: false', async () => {
    const bn = tf.layers.batchNormalization({ center: false, scale: false, epsilon: 0.005 });
    const model = sequential([14, 14, 1], [conv({}), bn, tf.layers.flatten(), head()]);
    setStatistics(bn, 4, 40);
    await expectParity('batchnorm center/scale off', model);
  });
});

describe('Dense, Flatten, Dropout', () => {
  test('a model of dense layers only, on a flat 784 input', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 32, activation: 'relu', kernelInitializer: seeded(6) }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: seeded(7) }),
        head(),
      ],
    });
    const { onnx } = await expectParity('dense only, flat 784 input', model);
    const graph = decodeModel(onnx).graph;
    expect(graph.input[0]!.type!.tensorType!.shape!.dim.map((d) => d.dimValue ?? d.dimParam)).toEqual(['N', 28, 28, 1]);
    expect(graph.node.map((n) => n.opType)).toEqual(['Flatten', 'Gemm', 'Relu', 'Gemm', 'Tanh', 'Gemm', 'Softmax']);
  });

  test('flatten of an image, dense without bias, dropout and noise as identity', async () => {
    const model = sequential([28, 28, 1], [
      tf.layers.flatten(),
      tf.layers.gaussianNoise({ stddev: 0.5 }),
      tf.layers.dense({ units: 20, useBias: false, kernelInitializer: seeded(8) }),
      tf.layers.dropout({ rate: 0.3 }),
      head(),
      tf.layers.dropout({ rate: 0.1 }),
    ]);
    const { onnx } = await expectParity('flatten + dense no bias + dropout/noise', model);
    expect(decodeModel(onnx).graph.node.map((n) => n.opType)).toEqual(['Flatten', 'Gemm', 'Gemm', 'Softmax']);
  });

  test('dense on a 4-D value (MatMul over channels), then flatten', async () => {
    const model = sequential([10, 10, 1], [conv({ filters: 6 }), tf.layers.dense({ units: 5, kernelInitializer: seeded(9) }), tf.layers.flatten(), head()]);
    await expectParity('dense on 4-D', model);
  });

  test('rank-3 [height, width] input without channels', async () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28] }), head()] });
    await expectParity('rank-3 input', model);
  });
});

describe('activations', () => {
  const asOption = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'linear', 'relu6', 'hardSigmoid', 'softplus', 'softsign', 'swish', 'mish', 'gelu'] as const;
  for (const activation of asOption) {
    test(`${activation} as a layer option and as an Activation layer`, async () => {
      const model = sequential([16, 16, 1], [
        conv({ activation, kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 11 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 12, kernelInitializer: seeded(12) }),
        tf.layers.activation({ activation }),
        head(),
      ]);
      await expectParity(`activation ${activation}`, model);
    });
  }

  test('activation layers: LeakyReLU with alpha, ReLU with maxValue, ELU, ThresholdedReLU, Softmax', async () => {
    const model = sequential([16, 16, 1], [
      conv({ kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 13 }) }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      conv({ seed: 14 }),
      tf.layers.reLU({ maxValue: 1.5 }),
      conv({ seed: 15 }),
      tf.layers.elu({}),
      tf.layers.thresholdedReLU({ theta: 0.2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 27, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 16 }) }),
      tf.layers.softmax(),
    ]);
    await expectParity('LeakyReLU/ReLU max/ELU/ThresholdedReLU/Softmax layers', model);
  });

  test('softmax over channels of a 4-D value (layout-aware axis)', async () => {
    const model = sequential([8, 8, 1], [conv({ activation: 'softmax' }), tf.layers.flatten(), head()]);
    await expectParity('softmax on NCHW channels', model);
  });
});

describe('other layers and model forms', () => {
  test('ZeroPadding2D and Rescaling', async () => {
    const model = sequential([20, 20, 1], [
      tf.layers.rescaling({ scale: 2, offset: -1 }),
      tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }),
      conv({}),
      tf.layers.flatten(),
      head(),
    ]);
    await expectParity('ZeroPadding2D + Rescaling', model);
  });

  test('a linear functional chain, with a nested Sequential block', async () => {
    const input = tf.input({ shape: [28, 28, 1] });
    const block = tf.sequential({ layers: [conv({ inputShape: [28, 28, 1], activation: 'relu' }), tf.layers.maxPooling2d({ poolSize: 2 })] });
    let x = block.apply(input) as tf.SymbolicTensor;
    x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    const output = head().apply(x) as tf.SymbolicTensor;
    await expectParity('functional chain with nested Sequential', tf.model({ inputs: input, outputs: output }));
  });

  test('large weights: parity holds beyond toy magnitudes', async () => {
    const c = conv({ filters: 8 });
    const model = sequential([28, 28, 1], [c, tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), head()]);
    randomizeWeights(c, -2, 2, 50);
    await expectParity('conv weights in [-2, 2]', model);
  });
});
