import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { METADATA_KEYS } from '@letters/contract';
import { decodeModel } from '@letters/export';
import { letters as run } from '../../test-support/letters-cli.ts';
import { testModel } from '../../test-support/models.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const letters = (...args: string[]) => run(args);

let model: string;
let root: string;
beforeAll(async () => {
  model = (await testModel('convnet')).path;
  root = tempDir('quantize');
});

test('letters quantize --to fp16 writes a verified half-size file with its precision and deltas in the metadata', async () => {
  const out = join(root, 'model.fp16.onnx');
  const result = await letters('quantize', model, '--to', 'fp16', '-o', out, '--calibration', 'fixtures', '--test-limit', '200');
  expect(result.stderr).not.toMatch(/error/i);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^wrote .*model\.fp16\.onnx/);
  expect(result.stdout).toMatch(/argmax agreement with float32 +│ +\d+\.\d\d%/);
  const [original, written] = await Promise.all([readFile(model), readFile(out)]);
  // This small untrained model's graph and metadata weigh more than a real model's (the trained one meets 55%).
  expect(written.byteLength / original.byteLength).toBeLessThan(0.6);
  const metadata = Object.fromEntries(decodeModel(written).metadataProps!.map((p) => [p.key, p.value]));
  expect(metadata[METADATA_KEYS.precision]).toBe('fp16');
  expect(JSON.parse(metadata[METADATA_KEYS.quantizationDeltas]!)).toMatchObject({ testData: 'fixtures test', images: 200 });
  expect(JSON.parse(metadata[METADATA_KEYS.quantization]!)).toEqual({ mode: 'weights' });
});

test('letters quantize: bad input fails with one line naming the problem, and writes nothing', async () => {
  const out = join(root, 'never.onnx');
  const cases: [string[], number, RegExp][] = [
    [['--to', 'int8', '-o', out], 2, /metadata names no known training dataset; pass --calibration <dataset>/],
    [['--to', 'fp16', '--dynamic', '-o', out, '--calibration', 'fixtures'], 2, /--dynamic: only with --to int8/],
  ];
  for (const [args, code, message] of cases) {
    const result = await letters('quantize', model, ...args);
    expect(result.code, args.join(' ')).toBe(code);
    expect(result.stderr).toMatch(message);
  }
  const missing = await letters('quantize', join(root, 'missing.onnx'), '--to', 'fp16', '-o', out, '--calibration', 'fixtures');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/missing\.onnx: cannot read \(no such file\); pass an ONNX file/);
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(root).filter((name) => name.endsWith('.tmp'))).toEqual([]);
});
