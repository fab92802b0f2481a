import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { LettersError } from '@letters/contract';
import { exportToOnnx } from '../src/export-model.ts';
import { DEFAULT_TOLERANCE } from '../src/verify/parity.ts';
import { parityOf, seeded, sequential, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);

/** A convnet whose Flatten sees a 4-D value with several channels: the case where flatten order matters. */
function convnet(): tf.Sequential {
  return sequential([28, 28, 1], [
    tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(21) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(22) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 27, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 23 }) }),
  ]);
}

test('a plain NCHW Flatten (the classic bug) is caught by the parity check, the correct export passes', async () => {
  const model = convnet();
  const right = await parityOf(model);
  const wrong = await parityOf(model, { flattenOrder: 'nchw', seededCount: 256 });
  console.log(
    `flatten order: NHWC max diff ${right.maxAbsDiff.toExponential(2)}, argmax ${right.argmaxAgreement}; ` +
      `NCHW max diff ${wrong.maxAbsDiff.toExponential(2)}, argmax ${wrong.argmaxAgreement}`,
  );
  expect(right.passed).toBe(true);
  expect(right.argmaxAgreement).toBe(1);
  expect(wrong.passed).toBe(false);
  expect(wrong.maxAbsDiff).toBeGreaterThan(100 * DEFAULT_TOLERANCE);
  expect(wrong.argmaxAgreement).toBeLessThan(0.5);
});

test('the exporter refuses a model that fails parity, naming the figures', async () => {
  const error = await exportToOnnx(convnet(), { flattenOrder: 'nchw' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LettersError);
  expect((error as Error).message).toMatch(/failed its parity check: max \|tfjs - onnx\| = .* > tolerance 1\.00e-4 \(argmax agreement/);
});

test('the tolerance option is honoured: a zero tolerance refuses float rounding differences', async () => {
  const model = convnet();
  const report = await parityOf(model);
  expect(report.maxAbsDiff).toBeGreaterThan(0);
  await expect(exportToOnnx(model, { tolerance: 0 })).rejects.toThrow(/tolerance 0\.00e\+0/);
  const { report: passed } = await exportToOnnx(model, { tolerance: 1e-3 });
  expect(passed.parity.tolerance).toBe(1e-3);
});
