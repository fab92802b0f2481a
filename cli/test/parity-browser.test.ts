/**
 * Every precision of a model trained on real letters, on every runtime: onnxruntime-node, onnxruntime-web
 * wasm in Node, and onnxruntime-web in Chromium on wasm and WebGPU (SwiftShader here), on real test images.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, inject, test } from 'vitest';
import { IMAGE_SIZE } from '@letters/contract';
import { quantizeOnnx } from '@letters/export';
import { modelImages } from '@letters/inference';
import { stratifiedSample, type ImageSet } from '@letters/training';
import { tempDir } from '../../test-support/temp-dir.ts';
import { trainedLettersModel } from '../../test-support/trained-model.ts';
import { MIN_RUNTIME_AGREEMENT, runtimeTable, type RuntimeRow } from '../src/parity/runtime-table.ts';

let rows: RuntimeRow[];
let test300: ImageSet;

beforeAll(async () => {
  const trained = await trainedLettersModel(inject('sharedData'));
  const dir = tempDir('parity-browser');
  const inputsOf = (set: ImageSet) => ({ images: modelImages({ data: set.images, count: set.count }), count: set.count, shape: [IMAGE_SIZE, IMAGE_SIZE, 1] });
  const calibration = inputsOf(stratifiedSample(trained.data.train, 500, 1));
  test300 = stratifiedSample(trained.data.test, 300, 2);
  const check = { ...inputsOf(test300), labels: test300.labels };
  const paths = [trained.path];
  for (const [name, settings] of [['int8', { to: 'int8' }], ['fp16-arithmetic', { to: 'fp16', fp16Arithmetic: true }]] as const) {
    const { onnx } = await quantizeOnnx(trained.onnx, {
      ...settings,
      test: { inputs: check, name: 'test', hash: '' },
      calibration: { inputs: calibration, name: 'train', hash: '' },
    });
    paths.push(join(dir, `${name}.onnx`));
    await writeFile(paths.at(-1)!, onnx);
  }
  rows = await runtimeTable(paths, { ...inputsOf(test300), labels: test300.labels, description: 'real letters' }, { browser: true, warmRuns: 2 });
  console.log(rows.map((r) => JSON.stringify(r)).join('\n'));
}, 600_000);

test('every precision runs on all four runtimes, and each runtime agrees with native on >= 99.9% of argmaxes', () => {
  const runtimes = (precision: string) => rows.filter((r) => r.precision === precision).map((r) => r.runtime.replace(/ \(.*\)$/, ''));
  for (const precision of ['fp32', 'int8', 'fp16']) {
    expect(runtimes(precision)).toEqual(['onnxruntime-node', 'onnxruntime-web wasm', 'Chromium wasm', 'Chromium WebGPU']);
  }
  const ran = rows.filter((r) => r.unavailable === undefined);
  // WebGPU is there (SwiftShader in headless Chromium): float32 and int8 run on it.
  expect(ran.filter((r) => r.runtime.startsWith('Chromium WebGPU')).map((r) => r.precision)).toEqual(expect.arrayContaining(['fp32', 'int8']));
  for (const row of ran) {
    expect(row.nativeAgreement, `${row.model} on ${row.runtime}`).toBeGreaterThanOrEqual(MIN_RUNTIME_AGREEMENT);
    expect(Number.isFinite(row.maxAbsDiff), `${row.model} on ${row.runtime}`).toBe(true);
    expect(row.accuracy).toBeGreaterThan(0.5); // real letters, a trained model
    expect(row.coldMs).toBeGreaterThan(0);
  }
});

test('a quantized model agrees with float32 as much on every runtime as on native', () => {
  // The int8/fp16 agreement targets themselves are checked on 1500 images in export/test/quantize-targets.test.ts;
  // here, 300 images on four runtimes: what holds on native holds everywhere.
  for (const row of rows.filter((r) => r.unavailable === undefined && r.precision !== 'fp32')) {
    const native = rows.find((r) => r.model === row.model && r.runtime.startsWith('onnxruntime-node'))!;
    expect(native.floatAgreement).toBeGreaterThanOrEqual(0.98);
    expect(Math.abs(row.floatAgreement! - native.floatAgreement!), `${row.model} on ${row.runtime}`).toBeLessThanOrEqual(1 - MIN_RUNTIME_AGREEMENT + 1e-9);
  }
});

test('a runtime that cannot run a model says why (float16 arithmetic on WebGPU needs shader-f16)', () => {
  const webgpuHalf = rows.find((r) => r.precision === 'fp16' && r.runtime.startsWith('Chromium WebGPU'))!;
  if (webgpuHalf.unavailable !== undefined) {
    expect(webgpuHalf.unavailable).toMatch(/shader-f16|f16/);
  } else {
    // An adapter with shader-f16 computes in float16: then it must agree like the others.
    expect(webgpuHalf.nativeAgreement).toBeGreaterThanOrEqual(MIN_RUNTIME_AGREEMENT);
  }
  expect(rows.every((r) => (r.unavailable === undefined) === (r.nativeAgreement !== undefined))).toBe(true);
  expect(test300.count).toBe(300);
});
