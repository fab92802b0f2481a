import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { saveModel } from '@letters/training';
import { PARITY_FAILED_EXIT_CODE, checkRuntimeParity, compareOutputs, seededImages } from '@letters/inference';
import { testModel, type TestModel } from './helpers/models.ts';

const run = promisify(execFile);
const LETTERS_BIN = join(import.meta.dirname, '../bin/letters.js');

describe('compareOutputs', () => {
  it('finds the largest difference, the agreement and the worst inputs', () => {
    const a = Float32Array.of(0.9, 0.1, 0.4, 0.6, 0.5, 0.5);
    const b = Float32Array.of(0.9, 0.1, 0.7, 0.3, 0.5, 0.5);
    const c = compareOutputs(['x', 'y'], a, b, 2, 2);
    expect(c.maxAbsDiff).toBeCloseTo(0.3);
    expect(c.argmaxAgreement).toBeCloseTo(2 / 3);
    expect(c.worst.map((w) => w.index)).toEqual([1, 0]);
    expect(c.worst[0]).toMatchObject({ argmaxA: 1, argmaxB: 0 });
  });
});

describe('parity', () => {
  let model: TestModel;
  let tfjsDir: string;

  beforeAll(async () => {
    model = await testModel('convnet');
    tfjsDir = join(model.path, '..', 'tfjs');
    await saveModel(model.tfjs, tfjsDir);
  });

  it('agrees across onnxruntime-node, onnxruntime-web and tfjs', async () => {
    const result = await checkRuntimeParity(model.onnx, seededImages(128), { tfjs: model.tfjs, tolerance: 1e-4 });
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
      LETTERS_BIN, 'parity', model.path, '--tfjs', tfjsDir, '--tfjs-backend', 'cpu',
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
      LETTERS_BIN, 'parity', model.path, '--tfjs', otherDir, '--tfjs-backend', 'cpu', '--limit', '20',
    ]).catch((e) => e);
    expect(failure.code).toBe(PARITY_FAILED_EXIT_CODE);
    expect(failure.stdout).toMatch(/FAIL/);
    expect(failure.stderr).toMatch(/differ by .* > --tolerance/);
  });
});
