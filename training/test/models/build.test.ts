import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, CONVNET_MODEL, DENSE_MODEL, type ModelConfig } from '../../src/models/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const layerTypes = (model: tf.LayersModel) => model.layers.map((l) => l.getClassName());

describe('buildModel', () => {
  it("builds Chollet's dense network: 784*512+512 + 512*k+k parameters", () => {
    const letters = buildModel(DENSE_MODEL, { numClasses: 27, seed: 1 });
    expect(layerTypes(letters)).toEqual(['Flatten', 'Dense', 'Dense']);
    expect(letters.countParams()).toBe(784 * 512 + 512 + 512 * 27 + 27); // 415,771
    expect(buildModel(DENSE_MODEL, { numClasses: 10, seed: 1 }).countParams()).toBe(407_050);
    expect(letters.outputs[0].shape).toEqual([null, 27]);
  });

  it("builds Chollet's convnet: 93,322 parameters for 10 classes as in the book, 94,427 for 27", () => {
    const digits = buildModel(CONVNET_MODEL, { numClasses: 10, seed: 1 });
    expect(layerTypes(digits)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'Flatten', 'Dense', 'Dense']);
    expect(digits.countParams()).toBe(93_322);
    expect(digits.layers[5].outputShape).toEqual([null, 576]);
    expect(buildModel(CONVNET_MODEL, { numClasses: 27, seed: 1 }).countParams()).toBe(94_427);
  });

  it('places batch norm, activations, dropout and pooling as configured', () => {
    const config: ModelConfig = {
      ...CONVNET_MODEL,
      batchNorm: 'beforeActivation',
      activation: 'leakyReLU',
      pooling: 'average',
      dropout: { conv: 0.25, dense: 0.5 },
      l2: 1e-4,
    };
    const model = buildModel(config, { numClasses: 27, seed: 1 });
    expect(layerTypes(model).slice(0, 6)).toEqual([
      'Conv2D',
      'BatchNormalization',
      'LeakyReLU',
      'AveragePooling2D',
      'Dropout',
      'Conv2D',
    ]);
    // BN before the activation makes the conv bias redundant.
    expect(model.layers[0].getWeights()).toHaveLength(1);
    expect(layerTypes(model).filter((t) => t === 'Dropout')).toHaveLength(3);
    expect(model.layers[0].getConfig().kernelRegularizer).toBeTruthy();
  });

  it('replaces pooling with a learned 2x2 stride-2 convolution of the same output shape', () => {
    const strided = buildModel({ ...CONVNET_MODEL, pooling: 'strided' }, { numClasses: 27, seed: 1 });
    const pooled = buildModel(CONVNET_MODEL, { numClasses: 27, seed: 1 });
    expect(layerTypes(strided)).not.toContain('MaxPooling2D');
    expect(strided.layers[1].getConfig().strides).toEqual([2, 2]);
    expect(strided.layers[1].outputShape).toEqual(pooled.layers[1].outputShape);
  });

  it('stacks conv depth per block and extra dense layers', () => {
    const model = buildModel({ ...CONVNET_MODEL, convsPerBlock: 2, filters: [32, 64], denseUnits: [128, 64] }, { numClasses: 27, seed: 1 });
    expect(layerTypes(model)).toEqual(['Conv2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'Conv2D', 'Flatten', 'Dense', 'Dense', 'Dense']);
    expect(model.outputs[0].shape).toEqual([null, 27]);
  });

  it('gives the same initial weights for the same seed and different ones for another seed', () => {
    const weights = (seed: number) => buildModel(CONVNET_MODEL, { numClasses: 27, seed }).getWeights()[0].dataSync();
    expect(weights(7)).toEqual(weights(7));
    expect(weights(7)).not.toEqual(weights(8));
  });
});
