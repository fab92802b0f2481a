import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { LETTER_CLASS_NAMES, LettersError, METADATA_KEYS } from '@letters/contract';
import { inspectOnnxFile } from '@letters/export';
import { buildModel, CONVNET_MODEL, initBackend, saveModel, type DatasetSource } from '@letters/training';
import { exportModelDir } from '../src/export-model-dir.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

let root: string;
let modelDir: string;
const dataset: DatasetSource = {
  name: 'fixtures',
  description: "The project's generated stroke letters",
  files: ['fixtures/letters/train.idx'],
  hash: 'f'.repeat(64),
  synthetic: true,
};
const metrics = { split: 'test', count: 100, loss: 0.5, accuracy: 0.9 } as const;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  root = tempDir('export');
  modelDir = join(root, 'model');
  const config = { ...CONVNET_MODEL, filters: [4, 8], denseUnits: [16], batchNorm: 'beforeActivation' as const };
  const model = buildModel(config, { numClasses: 27, seed: 3 });
  await saveModel(model, modelDir, { config, metrics, dataset });
});

/** The files in a folder: an export that fails must not leave a partial or temporary file behind. */
const filesIn = (dir: string) => readdir(dir).catch(() => []);

describe('exportModelDir', () => {
  test('writes a verified ONNX file whose metadata comes from the model directory', async () => {
    const out = join(root, 'out', 'model.onnx');
    const report = await exportModelDir(modelDir, out);
    expect(report.parity.passed).toBe(true);
    expect(report.parity.argmaxAgreement).toBe(1);
    const summary = await inspectOnnxFile(out);
    expect(summary.inputs).toEqual([{ name: 'image', type: 'float32', shape: ['N', 28, 28, 1] }]);
    expect(summary.outputs).toEqual([{ name: 'probabilities', type: 'float32', shape: ['N', 27] }]);
    const meta = summary.metadata;
    // Every fact an export knows; the precision, quantization and personalization keys are written by quantize and personalize.
    const { labels, preprocessing, dataset: datasetKey, datasetHash, testMetrics, sourceModelHash, toolkitVersion } = METADATA_KEYS;
    expect(Object.keys(meta).sort()).toEqual([labels, preprocessing, datasetKey, datasetHash, testMetrics, sourceModelHash, toolkitVersion].sort());
    expect(JSON.parse(meta[METADATA_KEYS.labels]!)).toEqual(LETTER_CLASS_NAMES);
    expect(JSON.parse(meta[METADATA_KEYS.testMetrics]!)).toEqual(metrics);
    expect(meta[METADATA_KEYS.dataset]).toBe("fixtures: The project's generated stroke letters (synthetic)");
    expect(meta[METADATA_KEYS.datasetHash]).toBe(dataset.hash);
    const sha = createHash('sha256')
      .update(await readFile(join(modelDir, 'model.json')))
      .update(await readFile(join(modelDir, 'weights.bin')))
      .digest('hex');
    expect(meta[METADATA_KEYS.sourceModelHash]).toBe(sha);
    expect(await filesIn(join(root, 'out'))).toEqual(['model.onnx']);
  });

  test('a missing model directory is a LettersError naming it', async () => {
    const missing = join(root, 'no-such-model');
    await expect(exportModelDir(missing, join(root, 'x.onnx'))).rejects.toThrow(LettersError);
    await expect(exportModelDir(missing, join(root, 'x.onnx'))).rejects.toThrow(missing);
    expect(existsSync(join(root, 'x.onnx'))).toBe(false);
  });

  test('a corrupt model.json or truncated weights.bin is a LettersError naming the file, and no file is written', async () => {
    const broken = join(root, 'broken');
    await saveModel(buildModel(CONVNET_MODEL, { numClasses: 27, seed: 4 }), broken);
    const out = join(root, 'broken-out', 'model.onnx');
    await truncate(join(broken, 'weights.bin'), 100);
    await expect(exportModelDir(broken, out)).rejects.toThrow(/weights\.bin.*corrupt|weights\.bin/);
    await writeFile(join(broken, 'model.json'), '{"modelTopology": ');
    await expect(exportModelDir(broken, out)).rejects.toThrow(/model\.json: not valid JSON/);
    expect(await filesIn(join(root, 'broken-out'))).toEqual([]);
  });

  test('an output path under a file, or a directory as output, fails before any work with a clear message', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a directory');
    await expect(exportModelDir(modelDir, join(file, 'model.onnx'))).rejects.toThrow(/cannot be created: .*a-file is a file, not a folder/);
    await expect(exportModelDir(modelDir, root)).rejects.toThrow(/is a folder; name a file/);
  });

  test('an output location on a system pseudo filesystem (/sys) is refused with a clear message', async () => {
    const out = '/sys/letters-export-test/model.onnx';
    await expect(exportModelDir(modelDir, out)).rejects.toThrow(
      /^\/sys\/letters-export-test\/model\.onnx: is on a system pseudo filesystem \(\/sys\); choose a folder on a disk$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  test('a failed parity check leaves no file, not even a temporary one', async () => {
    const outDir = join(root, 'strict');
    await expect(exportModelDir(modelDir, join(outDir, 'model.onnx'), { tolerance: 0, seededCount: 64 })).rejects.toThrow(
      /failed its parity check.*nothing was written/,
    );
    expect(await filesIn(outDir)).toEqual([]);
  });
});

test('inspect: a file that is not ONNX, and a missing file, are LettersErrors naming the file', async () => {
  const junk = join(root, 'junk.onnx');
  await writeFile(junk, new Uint8Array([0xff, 0xff, 0xff]));
  await expect(inspectOnnxFile(junk)).rejects.toThrow(new RegExp(`^${junk}: not an ONNX model`));
  await expect(inspectOnnxFile(join(root, 'none.onnx'))).rejects.toThrow(/none\.onnx: cannot read \(no such file\)/);
  tf.disposeVariables();
});
