import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildTrainingStep, type TrainingStepGraph } from '../src/training-graph/build-training-step.ts';
import type { OptimizerSpec } from '../src/training-graph/optimizers.ts';
import { convertToOnnx } from '../src/convert/to-onnx.ts';
import { encodeModel } from '../src/onnx/schema.ts';
import { withWeights } from '../src/training-graph/weights.ts';
import { TrainingSession } from '../src/training-graph/session.ts';
import { head, seeded, sequential, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);

const BATCH = 6;
const CLASSES = 5;

function batchOf(shape: [number, number, number], seed: number): { images: Float32Array; labels: Int32Array } {
  const images = tf.randomUniform([BATCH, ...shape], 0, 1, 'float32', seed).dataSync() as Float32Array;
  const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 3 + seed) % CLASSES);
  return { images, labels };
}

/** Runs `steps` steps of a training graph in onnxruntime-node; returns the state after them and the first step's loss and accuracy. */
async function runSteps(step: TrainingStepGraph, data: { images: Float32Array; labels: Int32Array }, learningRate: number, steps = 1, random?: () => number) {
  const session = await TrainingSession.create(ort, step, random ? { random } : {});
  const first = await session.step({ ...data, size: BATCH }, learningRate);
  for (let i = 1; i < steps; i++) await session.step({ ...data, size: BATCH }, learningRate);
  const state = session.read();
  await session.release();
  return { ...first, state };
}

/** The weight a state tensor holds, in tfjs layout. */
function asTfjs(step: TrainingStepGraph, input: string, values: Float32Array): tf.Tensor {
  const s = step.state.find((t) => t.input === input)!;
  const onnx = tf.tensor(values, [...s.dims]);
  const perm = step.state.find((t) => t.input === s.weight)?.tfjs?.perm;
  return perm ? tf.transpose(onnx, perm.map((_, i) => perm.indexOf(i))) : onnx;
}

/** Mean sparse cross-entropy of the model's training-mode output, plus its regularization losses (tfjs' reference). */
function tfjsLoss(model: tf.LayersModel, images: tf.Tensor, labels: tf.Tensor, onProbabilities?: (p: tf.Tensor) => void): tf.Scalar {
  const probabilities = model.apply(images, { training: true }) as tf.Tensor;
  onProbabilities?.(probabilities);
  const picked = tf.sum(tf.mul(tf.oneHot(labels, CLASSES), tf.log(probabilities)), -1);
  const loss = tf.neg(tf.mean(picked)) as tf.Scalar;
  const extra = model.calculateLosses();
  return extra.length ? (tf.addN([loss, ...extra]) as tf.Scalar) : loss;
}

/** Largest difference relative to the largest magnitude of the reference. */
function relativeDiff(actual: tf.Tensor, expected: tf.Tensor): number {
  const scale = Math.max(tf.max(tf.abs(expected)).dataSync()[0]!, 1e-6);
  return tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]! / scale;
}

/**
 * One SGD step at learning rate 1 gives each weight's gradient as w - w'. Compares every trainable weight's
 * gradient and the loss with tfjs's cpu backend (tf.variableGrads), and returns the worst relative difference.
 */
async function expectGradientsMatch(model: tf.LayersModel, shape: [number, number, number], tolerance = 1e-4): Promise<number> {
  const step = buildTrainingStep(model, { optimizer: { name: 'sgd' } });
  const data = batchOf(shape, 7);
  const { loss, accuracy, state } = await runSteps(step, data, 1);
  const images = tf.tensor(data.images, [BATCH, ...(model.inputs[0]!.shape.slice(1) as number[])]);
  const labels = tf.tensor1d(data.labels, 'int32');
  let predicted: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(
    () => tfjsLoss(model, images, labels, (p) => (predicted = tf.keep(tf.argMax(p, -1)))),
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  expect(accuracy).toBeCloseTo(tf.mean(tf.cast(tf.equal(predicted!, labels), 'float32')).dataSync()[0]!, 6);
  expect(loss).toBeCloseTo(value.dataSync()[0]!, 4);
  let worst = 0;
  const weights = step.state.filter((s) => s.role === 'weight');
  expect(weights.length).toBe(model.trainableWeights.length);
  for (const s of weights) {
    const variable = model.weights[s.tfjs!.index]!;
    const ours = tf.sub(asTfjs(step, s.input, s.initial), asTfjs(step, s.input, state.get(s.input)!));
    const diff = relativeDiff(ours, grads[variable.name]!);
    worst = Math.max(worst, diff);
    expect(diff, `gradient of ${s.weight}`).toBeLessThan(tolerance);
  }
  return worst;
}

const conv = (args: Partial<Parameters<typeof tf.layers.conv2d>[0]> & { seed?: number }) =>
  tf.layers.conv2d({ filters: 3, kernelSize: 3, kernelInitializer: seeded(args.seed ?? 1), biasInitializer: 'zeros', ...args });
const dense = (units: number, activation: 'relu' | 'linear' = 'relu', seed = 5) =>
  tf.layers.dense({ units, activation, kernelInitializer: seeded(seed) });

describe('gradients against tfjs cpu', () => {
  test('convnet: Conv2D valid and same, relu, MaxPool (odd size), Flatten in NHWC order, Dense', async () => {
    const model = sequential([11, 9, 1], [
      conv({ activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv({ padding: 'same', filters: 4, activation: 'relu', seed: 2 }),
      tf.layers.flatten(),
      dense(8),
      head(CLASSES),
    ]);
    await expectGradientsMatch(model, [11, 9, 1]);
  });

  test('AveragePooling2D, strided Conv2D (2x2, stride 2) and a stride-2 3x3 same conv', async () => {
    const model = sequential([12, 10, 1], [
      conv({ activation: 'relu' }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      conv({ kernelSize: 2, strides: 2, filters: 4, activation: 'relu', seed: 2 }),
      conv({ kernelSize: 3, strides: 2, padding: 'same', filters: 2, seed: 4 }),
      tf.layers.flatten(),
      head(CLASSES),
    ]);
    await expectGradientsMatch(model, [12, 10, 1]);
  });

  for (const [name, layer] of [
    ['elu', () => tf.layers.activation({ activation: 'elu' })],
    ['selu', () => tf.layers.activation({ activation: 'selu' })],
    ['tanh', () => tf.layers.activation({ activation: 'tanh' })],
    ['leakyReLU', () => tf.layers.leakyReLU({ alpha: 0.3 })],
  ] as const) {
    test(`activation ${name} after a conv and a dense layer`, async () => {
      const model = sequential([7, 7, 1], [conv({}), layer(), tf.layers.flatten(), dense(6, 'linear'), layer(), head(CLASSES)]);
      await expectGradientsMatch(model, [7, 7, 1]);
    });
  }

  for (const placement of ['before', 'after'] as const) {
    test(`BatchNormalization ${placement} the activation, and its running statistics`, async () => {
      const bn = () => tf.layers.batchNormalization({ momentum: 0.9 });
      const relu = () => tf.layers.activation({ activation: 'relu' });
      const block = placement === 'before' ? [bn(), relu()] : [relu(), bn()];
      // Before the activation, the layer has no bias (BN's beta replaces it; its gradient would be zero).
      const denseLayer = tf.layers.dense({ units: 6, useBias: placement === 'after', kernelInitializer: seeded(5) });
      const model = sequential([8, 8, 1], [conv({ useBias: placement === 'after' }), ...block, tf.layers.flatten(), denseLayer, ...(placement === 'before' ? [bn(), relu()] : [relu(), bn()]), head(CLASSES)]);
      const step = buildTrainingStep(model, { optimizer: { name: 'sgd' } });
      const running = step.state.filter((s) => s.role === 'running');
      expect(running.length).toBe(4);
      const data = batchOf([8, 8, 1], 7);
      const { state } = await runSteps(step, data, 1);
      await expectGradientsMatch(model, [8, 8, 1]);
      // tfjs updated the moving statistics in that training-mode pass, from the same weights and batch.
      for (const s of running) {
        expect(relativeDiff(tf.tensor(state.get(s.input)!), model.weights[s.tfjs!.index]!.read()), s.input).toBeLessThan(1e-5);
      }
    });
  }

  test('L2 regularization: the penalty in the loss and its gradient', async () => {
    const l2 = () => tf.regularizers.l2({ l2: 0.01 });
    const model = sequential([6, 6, 1], [conv({ activation: 'relu', kernelRegularizer: l2() }), tf.layers.flatten(), tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: seeded(8), kernelRegularizer: l2() })]);
    await expectGradientsMatch(model, [6, 6, 1]);
  });

  test('dense network on a flat input', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [36], units: 7, activation: 'relu', kernelInitializer: seeded(3) }), head(CLASSES)] });
    await expectGradientsMatch(model, [6, 6, 1]);
  });
});

describe('fine-tuning an exported ONNX model', () => {
  test('trains only the layers named; the trained weights go back into the inference model', async () => {
    const model = sequential([8, 8, 1], [conv({ activation: 'relu', name: 'features' }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'last', kernelInitializer: seeded(4) })]);
    const onnx = convertToOnnx(model).model;
    const step = buildTrainingStep(onnx, { optimizer: { name: 'sgd' }, trainable: ['last'] });
    expect(step.state.map((s) => s.input)).toEqual(['last/kernel', 'last/bias']);
    expect(() => buildTrainingStep(onnx, { optimizer: { name: 'sgd' }, trainable: ['nope'] })).toThrow(/no trainable layer named 'nope'.*features, last/);
    const data = batchOf([8, 8, 1], 2);
    const { state } = await runSteps(step, data, 1);
    const images = tf.tensor(data.images, [BATCH, 8, 8, 1]);
    const { grads } = tf.variableGrads(() => tfjsLoss(model, images, tf.tensor1d(data.labels, 'int32')), [model.getLayer('last').trainableWeights[0]!.read() as tf.Variable]);
    const kernel = step.state[0]!;
    const ours = tf.sub(tf.tensor(kernel.initial, [...kernel.dims]), tf.tensor(state.get(kernel.input)!, [...kernel.dims]));
    expect(relativeDiff(ours, Object.values(grads)[0]!)).toBeLessThan(1e-4);

    const trained = withWeights(onnx, new Map(step.state.map((s) => [s.input, state.get(s.input)!])));
    const session = await ort.InferenceSession.create(encodeModel(trained));
    model.getLayer('last').setWeights(step.state.map((s) => tf.tensor(state.get(s.input)!, [...s.dims])));
    const out = await session.run({ image: new ort.Tensor('float32', data.images, [BATCH, 8, 8, 1]) });
    expect(relativeDiff(tf.tensor(out['probabilities']!.data as Float32Array, [BATCH, CLASSES]), model.predict(images) as tf.Tensor)).toBeLessThan(1e-5);
    await session.release();
  });
});

describe('dropout', () => {
  test('keeps the values whose noise is at least the rate, scaled by 1 / (1 - rate); dropped ones get no gradient', async () => {
    const rate = 0.4;
    const model = sequential([4, 4, 1], [tf.layers.flatten(), tf.layers.dropout({ rate }), head(CLASSES)]);
    const step = buildTrainingStep(model, { optimizer: { name: 'sgd' } });
    expect(step.noise.map((n) => n.shape)).toEqual([[null, 16]]);
    const noise = tf.randomUniform([BATCH, 16], 0, 1, 'float32', 11).dataSync() as Float32Array;
    const data = batchOf([4, 4, 1], 5);
    let next = 0;
    const { state, loss } = await runSteps(step, data, 1, 1, () => noise[next++]!);
    // The reference: the same head on the inputs dropped by hand.
    const kept = tf.mul(tf.tensor(data.images, [BATCH, 16]), tf.div(tf.cast(tf.greaterEqual(tf.tensor(noise, [BATCH, 16]), rate), 'float32'), 1 - rate));
    const reference = tf.sequential({ layers: [tf.layers.dense({ inputShape: [16], units: CLASSES, activation: 'softmax' })] });
    reference.setWeights(model.getWeights());
    const labels = tf.tensor1d(data.labels, 'int32');
    const { value, grads } = tf.variableGrads(() => tfjsLoss(reference, kept, labels), reference.trainableWeights.map((w) => w.read() as tf.Variable));
    expect(loss).toBeCloseTo(value.dataSync()[0]!, 5);
    const kernel = step.state.find((s) => s.weight.endsWith('/kernel') && s.role === 'weight')!;
    const ours = tf.sub(tf.tensor(kernel.initial, [16, CLASSES]), tf.tensor(state.get(kernel.input)!, [16, CLASSES]));
    expect(relativeDiff(ours, grads[reference.trainableWeights[0]!.name]!)).toBeLessThan(1e-5);
  });
});

describe('optimizers against tfjs cpu', () => {
  const specs: [OptimizerSpec, () => tf.Optimizer][] = [
    [{ name: 'rmsprop' }, () => tf.train.rmsprop(0.01, 0.9)],
    [{ name: 'rmsprop', momentum: 0.5 }, () => tf.train.rmsprop(0.01, 0.9, 0.5)],
    [{ name: 'adam' }, () => tf.train.adam(0.01, 0.9, 0.999)],
    [{ name: 'sgd' }, () => tf.train.sgd(0.01)],
    [{ name: 'momentum' }, () => tf.train.momentum(0.01, 0.9)],
  ];
  for (const [spec, optimizer] of specs) {
    test(`${JSON.stringify(spec)}: three steps give tfjs's weights and slots`, async () => {
      const build = () => sequential([6, 6, 1], [conv({ activation: 'relu' }), tf.layers.flatten(), head(CLASSES)]);
      const model = build();
      const reference = build();
      reference.setWeights(model.getWeights());
      const step = buildTrainingStep(model, { optimizer: spec });
      const data = batchOf([6, 6, 1], 3);
      const { state } = await runSteps(step, data, 0.01, 3);
      const tfOptimizer = optimizer();
      const images = tf.tensor(data.images, [BATCH, 6, 6, 1]);
      const labels = tf.tensor1d(data.labels, 'int32');
      const variables = reference.trainableWeights.map((w) => w.read() as tf.Variable);
      for (let i = 0; i < 3; i++) tfOptimizer.minimize(() => tfjsLoss(reference, images, labels), false, variables);
      const slots = new Map((await tfOptimizer.getWeights()).map((w) => [w.name, w.tensor]));
      for (const s of step.state) {
        const variable = reference.weights[step.state.find((t) => t.input === s.weight)!.tfjs!.index]!;
        const expected = s.role === 'weight' ? variable.read() : slots.get(`${variable.name}/${s.slot}`)!;
        expect(relativeDiff(asTfjs(step, s.input, state.get(s.input)!), expected), `${s.role} ${s.input}`).toBeLessThan(2e-4);
      }
    });
  }
});
