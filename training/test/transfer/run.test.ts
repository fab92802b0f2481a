import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDataset } from '../../src/data/index.ts';
import { initBackend } from '../../src/engine/index.ts';
import { evaluateModel } from '../../src/fit/index.ts';
import { loadModel, readModelExtras } from '../../src/models/index.ts';
import { runTransfer, TRANSFER_METHODS, type TransferReport, type TransferRow } from '../../src/transfer/index.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { savedModel } from './helpers.ts';

const npz = join(inject('sharedData'), 'binaryalphadigits', 'binaryalphadigits.npz');

describe('runTransfer', () => {
  let out: string;
  let report: TransferReport;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    out = join(tempDir('transfer-run'), 'runs');
    report = await runTransfer({ base: await savedModel(), data: npz, out, k: 2, epochs: 1, seed: 3, quiet: true, log: () => {} });
  });


  it('scores every method on the same k folds, each image held out once', async () => {
    expect(report.rows.map((r) => r.method)).toEqual([...TRANSFER_METHODS]);
    for (const row of report.rows) {
      expect(row.folds).toHaveLength(2);
      const mean = (row.folds[0]! + row.folds[1]!) / 2;
      expect(row.meanAccuracy).toBeCloseTo(mean, 12);
      // Sample standard deviation of two values: |a - b| / sqrt(2).
      expect(row.stdAccuracy).toBeCloseTo(Math.abs(row.folds[0]! - row.folds[1]!) / Math.SQRT2, 12);
      const confusion = row.confusion;
      expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(1014);
      // 39 images of every letter, none of class 0.
      expect(confusion.map((r) => r.reduce((a, b) => a + b, 0))).toEqual([0, ...new Array(26).fill(39)]);
      const correct = confusion.reduce((sum, r, i) => sum + r[i]!, 0);
      expect(correct / 1014).toBeCloseTo(mean, 2);
    }
  });

  it('writes transfer.json as one row per method, and the Markdown table', async () => {
    const rows = JSON.parse(await readFile(join(out, 'transfer.json'), 'utf8')) as TransferRow[];
    expect(rows.map((r) => Object.keys(r).slice(0, 4))).toEqual(new Array(4).fill(['method', 'meanAccuracy', 'stdAccuracy', 'folds']));
    expect(rows.map((r) => r.meanAccuracy)).toEqual(report.rows.map((r) => r.meanAccuracy));
    const markdown = await readFile(join(out, 'transfer.md'), 'utf8');
    expect(markdown).toContain('| Method | Mean accuracy | Std |');
    for (const method of TRANSFER_METHODS) expect(markdown).toContain(`| ${method} |`);
    expect(markdown).toContain('2-fold cross-validation (seed 3)');
  });

  it('draws the accuracy chart and a confusion matrix per method', async () => {
    for (const name of ['accuracy', ...TRANSFER_METHODS.map((m) => `confusion-${m}`)]) {
      const meta = await sharp(join(out, 'transfer-figures', `${name}.png`)).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(300);
    }
    const confusion = JSON.parse(await readFile(join(out, 'transfer-figures', 'confusion-fine-tune.json'), 'utf8')) as { labels: string[]; matrix: number[][] };
    expect(confusion.labels).toHaveLength(27);
    expect(confusion.matrix).toEqual(report.rows.find((r) => r.method === 'fine-tune')!.confusion);
  });

  it('saves the best method as a model directory, scored on the test split letters evaluate uses', async () => {
    const best = report.rows.reduce((a, b) => (b.meanAccuracy > a.meanAccuracy ? b : a));
    expect(report.final).toMatchObject({ method: best.method, dir: join(out, 'transfer') });
    const model = await loadModel(report.final.dir);
    expect(model.outputs[0]!.shape).toEqual([null, 27]);
    // The held-out split is the registry's: same images, same dataset hash.
    const registry = await loadDataset('binaryalphadigits', { dataDir: inject('sharedData') });
    const extras = await readModelExtras(report.final.dir);
    expect(extras.dataset).toMatchObject({ name: 'binaryalphadigits', files: [npz], synthetic: false, hash: registry.source.hash });
    const test = await evaluateModel(model, registry.test, 'test');
    expect(extras.metrics).toEqual(test);
    expect(report.final.test).toEqual(test);
    expect(test.count).toBe(registry.test.count);
    expect(extras.config).toMatchObject({ architecture: 'convnet', transfer: { method: best.method, k: 2, seed: 3 } });
  });
});
