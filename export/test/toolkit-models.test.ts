import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  ACTIVATIONS,
  BATCH_NORM_PLACEMENTS,
  buildModel,
  CONVNET_MODEL,
  DENSE_MODEL,
  POOLINGS,
  type ModelConfig,
} from '@letters/training';
import { DEFAULT_TOLERANCE } from '../src/verify/parity.ts';
import { figures, parityOf, randomizeWeights, record, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);
afterAll(() => console.table(figures));

const small: ModelConfig = { ...CONVNET_MODEL, filters: [4, 8], denseUnits: [12] };

/** Every architecture, activation, batch-norm placement and pooling the toolkit's model builder offers. */
const variants: [string, ModelConfig][] = [
  ['dense (Chollet, small)', { ...DENSE_MODEL, denseUnits: [32] }],
  ...ACTIVATIONS.map((activation): [string, ModelConfig] => [`convnet ${activation}`, { ...small, activation }]),
  ...BATCH_NORM_PLACEMENTS.map((batchNorm): [string, ModelConfig] => [`convnet batchNorm ${batchNorm}`, { ...small, batchNorm }]),
  ...POOLINGS.map((pooling): [string, ModelConfig] => [`convnet pooling ${pooling}`, { ...small, pooling }]),
  ['convnet 2 convs per block, dropout', { ...small, convsPerBlock: 2, dropout: { conv: 0.25, dense: 0.5 } }],
];

for (const [name, config] of variants) {
  test(`toolkit model: ${name}`, async () => {
    const model = buildModel(config, { numClasses: 27, seed: 7 });
    // Weights larger than at initialization, so the probabilities are far from uniform, and batch-norm
    // statistics that make the normalization far from the identity it starts as.
    model.layers.forEach((layer, i) => {
      if (layer.getClassName() === 'BatchNormalization') randomizeWeights(layer, 0.05, 1.5, 70 + i);
      else if (layer.weights.length > 0) randomizeWeights(layer, -0.3, 0.3, 70 + i);
    });
    const report = await parityOf(model);
    record(name, report);
    expect(report.maxAbsDiff).toBeLessThan(DEFAULT_TOLERANCE);
    expect(report.argmaxAgreement).toBe(1);
  });
}
