import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { saveModel } from '@letters/training';
import { checkRuntimeParity, seededImages } from '@letters/inference';
import { EXIT_CODES } from '../../cli/src/exit-codes.ts';
import { LETTERS_BIN } from '../../test-support/letters-cli.ts';
import { testModel, type TestModel } from '../../test-support/models.ts';

const run = promisify(execFile);

describe('parity', () => {
  let model: TestModel;
  let tfjsDir: string;

  beforeAll(async () => {
    model = await testModel('convnet');
    tfjsDir = join(model.path, '..', 'tfjs');
    await saveModel(model.tfjs, tfjsDir);
  });

  it('agrees across onnxruntime-node, onnxruntime-web and tfjs', async () => {
    const inputs = seededImages(128);
    const tfjs = tf.tidy(() => (model.tfjs.predict(tf.tensor4d(inputs.images, [128, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array);
    const result = await checkRuntimeParity(model.onnx, inputs, { references: [{ name: 'tfjs', probabilities: tfjs }], tolerance: 1e-4 });
    expect(result.runtimes).toEqual(['onnxruntime-node', 'onnxruntime-web', 'tfjs']);
    expect(result.comparisons).toHaveLength(3);
    for (const c of result.comparisons) {
      expect(c.maxAbsDiff).toBeLessThan(1e-5);
      expect(c.argmaxAgreement).toBe(1);
    }
    expect(result.passed).toBe(true);
  });

  it('passes as a command on real images', async () => {
    const { stdout } = await run(process.execPath, [
      LETTERS_BIN, 'parity', model.path, '--tfjs', tfjsDir, '--backend', 'cpu',
      '--dataset', 'letters-sample', '--data-dir', inject('sharedData'), '--limit', '100',
    ]);
    expect(stdout).toMatch(/onnxruntime-node vs tfjs/);
    expect(stdout).toMatch(/PASS/);
  });

  it('exits non-zero when a runtime differs past the tolerance', async () => {
    const other = await testModel('convnet', 8);
    const otherDir = join(other.path, '..', 'tfjs');
    await saveModel(other.tfjs, otherDir);
    const failure = await run(process.execPath, [
      LETTERS_BIN, 'parity', model.path, '--tfjs', otherDir, '--backend', 'cpu', '--limit', '20',
    ]).catch((e) => e);
    expect(failure.code).toBe(EXIT_CODES.parity);
    expect(failure.stdout).toMatch(/FAIL/);
    expect(failure.stderr).toMatch(/differ by .* > --tolerance/);
  });
});
