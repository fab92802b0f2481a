import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { evaluateModel, loadDataset, type ImageSet } from '@letters/training';
import { Classifier, compareEvaluations, evaluateClassifier } from '@letters/inference';
import { MetricsAccumulator } from '../src/evaluate/metrics.ts';
import { testModel, type TestModel } from '../../test-support/models.ts';
import { LETTERS_BIN } from '../../test-support/letters-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const run = promisify(execFile);

describe('MetricsAccumulator', () => {
  it('computes accuracy, loss, precision, recall and the confusion matrix', () => {
    const metrics = new MetricsAccumulator(['', 'A', 'B']);
    // Rows: true A predicted A (p .8), true A predicted B (p(A) .3), true B predicted B (p .6).
    metrics.add(Float32Array.of(0, 0.8, 0.2, 0, 0.3, 0.7), Uint8Array.of(1, 1));
    metrics.add(Float32Array.of(0.1, 0.3, 0.6), Uint8Array.of(2));
    const result = metrics.result();
    expect(result.count).toBe(3);
    expect(result.accuracy).toBeCloseTo(2 / 3);
    expect(result.loss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.3) + Math.log(0.6)) / 3, 6);
    expect(result.confusion).toEqual([[0, 0, 0], [0, 1, 1], [0, 0, 1]]);
    expect(result.perClass).toEqual([
      { index: 1, label: 'A', support: 2, precision: 1, recall: 0.5 },
      { index: 2, label: 'B', support: 1, precision: 0.5, recall: 1 },
    ]);
  });
});

describe('evaluate', () => {
  let model: TestModel;
  let set: ImageSet;
  let dataDir: string;

  beforeAll(async () => {
    model = await testModel('convnet');
    dataDir = inject('sharedData');
    set = (await loadDataset('letters-sample', { dataDir })).test;
  });

  it('gives the same numbers on both runtimes, and the numbers tfjs gives', async () => {
    const evaluations = [];
    for (const runtime of ['node', 'web'] as const) {
      const classifier = await Classifier.create(model.onnx, { runtime, maxBatch: 100 });
      evaluations.push(await evaluateClassifier(classifier, set, { batchSize: 100 }));
      await classifier.close();
    }
    const [native, wasm] = evaluations;
    expect(native!.count).toBe(set.count);
    expect(native!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(set.count);
    const agreement = compareEvaluations(native!, wasm!);
    expect(agreement.confusionCells).toBe(0);
    expect(agreement.loss).toBeLessThan(1e-5);
    const tfjs = await evaluateModel(model.tfjs, set, 'test');
    expect(native!.accuracy).toBe(tfjs.accuracy);
    expect(Math.abs(native!.loss - tfjs.loss)).toBeLessThan(1e-5);
  });

  it('runs as `letters evaluate --runtime both` and writes JSON and a confusion-matrix PNG', async () => {
    const out = tempDir('evaluate');
    const { stdout } = await run(process.execPath, [
      LETTERS_BIN, 'evaluate', model.path, '--runtime', 'both', '--dataset', 'letters-sample',
      '--data-dir', dataDir, '--limit', '200', '--out', out, '--quiet',
    ]);
    expect(stdout).toMatch(/onnxruntime-node/);
    expect(stdout).toMatch(/confusion cells that differ: 0/);
    const report = JSON.parse(await readFile(join(out, 'evaluation.json'), 'utf8'));
    expect(report.evaluations).toHaveLength(2);
    expect(report.dataset.count).toBe(200);
    expect(report.evaluations[0].perClass).toHaveLength(26);
    const png = await sharp(join(out, 'confusion-node.png')).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBeGreaterThan(300);
  });

  it('refuses an unknown dataset with a one-line error and a non-zero exit', async () => {
    const failure = await run(process.execPath, [LETTERS_BIN, 'evaluate', model.path, '--dataset', 'nope']).catch((e) => e);
    expect(failure.code).not.toBe(0);
    expect(failure.stderr).toMatch(/^letters: --dataset nope: unknown dataset/);
  });
});
