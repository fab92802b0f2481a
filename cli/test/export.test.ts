import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { buildModel, CONVNET_MODEL, initBackend, saveModel } from '@letters/training';
import { EXIT_CODES } from '../src/exit-codes.ts';
import { letters as run } from '../../test-support/letters-cli.ts';
import { testModel } from '../../test-support/models.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const letters = (...args: string[]) => run(args);

let root: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  root = tempDir('cli');
  await saveModel(buildModel({ ...CONVNET_MODEL, filters: [4, 8], denseUnits: [16] }, { numClasses: 27, seed: 5 }), join(root, 'model'));
});

test('letters export writes a verified file and letters inspect --json reads it back', async () => {
  const out = join(root, 'model.onnx');
  const exported = await letters('export', join(root, 'model'), '-o', out, '--json');
  expect(exported.code).toBe(0);
  const report = JSON.parse(exported.stdout) as { parity: { passed: boolean; argmaxAgreement: number }; output: string };
  expect(report.parity.passed).toBe(true);
  expect(report.output).toBe(out);

  const inspected = await letters('inspect', out, '--json');
  expect(inspected.code).toBe(0);
  const summary = JSON.parse(inspected.stdout) as { inputs: { name: string }[]; opsets: { version: number }[]; parameterCount: number };
  expect(summary.inputs[0]!.name).toBe('image');
  expect(summary.opsets[0]!.version).toBe(17);
  expect(summary.parameterCount).toBeGreaterThan(0);

  const table = await letters('inspect', out);
  expect(table.stdout).toMatch(/inputs: +image float32 \[N, 28, 28, 1\]/);
  expect(table.stdout).toMatch(/letters\.source_model_hash/);
});

test('bad input: one line on stderr naming the problem, non-zero exit, no file', async () => {
  const out = join(root, 'never.onnx');
  const missing = await letters('export', join(root, 'missing'), '-o', out);
  expect(missing.code).toBe(1);
  expect(missing.stderr.trim().split('\n').at(-1)).toMatch(/^letters: .*missing: no such model directory/);

  const tolerance = await letters('export', join(root, 'model'), '-o', out, '--tolerance', '-1');
  expect(tolerance.code).toBe(2);
  expect(tolerance.stderr).toMatch(/--tolerance -1: must be a number >= 0/);

  const strict = await letters('export', join(root, 'model'), '-o', out, '--tolerance', '0');
  expect(strict.code).toBe(1);
  expect(strict.stderr).toMatch(/failed its parity check/);
  expect(existsSync(out)).toBe(false);
});

test('letters parity fails (exit 4) when the tfjs model has NaN weights, however close the other values are', async () => {
  const { tfjs, path } = await testModel('dense');
  const nan = join(root, 'nan-model');
  await saveModel(tfjs, nan);
  const weights = await readFile(join(nan, 'weights.bin'));
  await writeFile(join(nan, 'weights.bin'), new Uint8Array(new Float32Array(weights.length / 4).fill(NaN).buffer));
  const result = await letters('parity', path, '--tfjs', nan, '--backend', 'cpu', '--limit', '8');
  expect(result.code).toBe(EXIT_CODES.parity);
  expect(result.stdout).toMatch(/^FAIL/m);
  expect(result.stderr).toMatch(/^letters: .* give \d+ values that are NaN or infinite/m);
});
