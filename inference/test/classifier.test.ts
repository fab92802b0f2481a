import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LettersError } from '@letters/contract';
import { Classifier, preprocess, type RawImage } from '@letters/inference';
import { randomImages, testModel, type TestModel } from '../../test-support/models.ts';

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** A dark "T" on a light 60 x 80 RGB canvas. */
function drawT(): RawImage {
  const width = 60, height = 80;
  const data = new Uint8Array(width * height * 3).fill(240);
  for (let y = 10; y < 70; y++) {
    for (let x = 8; x < 52; x++) if (y < 18 || (x >= 26 && x < 34)) data.fill(20, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return { data, width, height, channels: 3 };
}

describe('Classifier', () => {
  let model: TestModel;
  let native: Classifier;
  let wasm: Classifier;

  beforeAll(async () => {
    model = await testModel('convnet');
    native = await Classifier.create(model.path, { runtime: 'node', threads: 1, maxBatch: 32 });
    wasm = await Classifier.create(model.onnx, { runtime: 'web' });
  });
  afterAll(async () => {
    await native?.close();
    await wasm?.close();
  });

  it('reads the labels from the model metadata', () => {
    expect(native.info.labels).toHaveLength(27);
    expect(native.info.labels.slice(1, 4)).toEqual(['A', 'B', 'C']);
    expect(native.classes).toBe(27);
  });

  it('gives the same probabilities on onnxruntime-node, onnxruntime-web and tfjs', async () => {
    const images = randomImages(100);
    const [a, b] = await Promise.all([native.probabilities(images), wasm.probabilities(images)]);
    expect(a).toHaveLength(100 * 27);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    const expected = tf.tidy(() => (model.tfjs.predict(tf.tensor4d(images, [100, 28, 28, 1])) as tf.Tensor).dataSync());
    expect(maxAbsDiff(a, expected as Float32Array)).toBeLessThan(1e-5);
  });

  it.each(['node', 'web'] as const)('answers many concurrent calls as it answers them one by one (%s)', async (runtime) => {
    const classifier = runtime === 'node' ? native : wasm;
    const sizes = Array.from({ length: 40 }, (_, i) => 1 + ((i * 7) % 45));
    const batches = sizes.map((n, i) => randomImages(n, i + 1));
    const sequential: Float32Array[] = [];
    const start = classifier.stats.runs;
    for (const batch of batches) sequential.push(await classifier.probabilities(batch));
    const before = classifier.stats.runs;
    const concurrent = await Promise.all(batches.map((batch) => classifier.probabilities(batch)));
    concurrent.forEach((result, i) => {
      expect(result).toHaveLength(sizes[i]! * 27);
      expect(maxAbsDiff(result, sequential[i]!)).toBeLessThan(1e-5);
    });
    // Concurrent calls share session runs.
    expect(classifier.stats.runs - before).toBeLessThan(before - start);
  });

  it('merges single-image calls arriving within the batching delay into one run', async () => {
    const batched = await Classifier.create(model.onnx, { batchDelayMs: 50, threads: 1 });
    try {
      const images = Array.from({ length: 20 }, (_, i) => randomImages(1, 100 + i));
      const results = await Promise.all(images.map((image) => batched.classify(image)));
      expect(batched.stats).toEqual({ runs: 1, images: 20 });
      const direct = await Promise.all(images.map((image) => native.classify(image)));
      expect(results.map((r) => r[0]!.label)).toEqual(direct.map((r) => r[0]!.label));
    } finally {
      await batched.close();
    }
  });

  it('ranks the top k classes by probability', async () => {
    const [prediction] = await native.classify(randomImages(1, 3), { topK: 4 });
    const probabilities = await native.probabilities(randomImages(1, 3));
    // Letters' class 0 has no name and is never predicted.
    const named = Array.from(probabilities.subarray(1));
    const best = 1 + named.indexOf(Math.max(...named));
    expect(prediction!.index).toBe(best);
    expect(prediction!.label).toBe(native.info.labels[best]);
    expect(prediction!.topK).toHaveLength(4);
    const shown = prediction!.topK.map((r) => r.probability);
    expect(shown).toEqual([...shown].sort((x, y) => y - x));
    expect(prediction!.topK[0]).toEqual({ label: prediction!.label, index: best, probability: prediction!.probability });
  });

  it('never predicts the unnamed class 0, even when it is the most probable', () => {
    const probabilities = new Float32Array(27).fill(0.01);
    probabilities[0] = 0.5;
    probabilities[5] = 0.2;
    const [prediction] = native.rank(probabilities, 1, 30);
    expect(prediction).toMatchObject({ index: 5, label: 'E' });
    expect(prediction!.topK).toHaveLength(26);
    expect(prediction!.topK.every((r) => r.index !== 0 && r.label !== '')).toBe(true);
  });

  it('scores a file, its bytes and its pixels the same through the shared preprocessing', async () => {
    const raw = drawT();
    const png = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } }).png().toBuffer();
    const path = join(dirname(model.path), 't.png');
    await writeFile(path, png);
    const [fromPath, fromBytes, fromPixels] = await native.classify([path, png, raw], { topK: 27 });
    const [direct] = native.rank(await native.probabilities(preprocess(raw)), 1, 27);
    expect(fromPath).toEqual(direct);
    expect(fromBytes).toEqual(direct);
    expect(fromPixels).toEqual(direct);
  });

  it('accepts uint8 dataset images like their float32 scaling', async () => {
    const floats = randomImages(3, 9).map((v) => Math.round(v * 255) / 255);
    const bytes = Uint8Array.from(floats, (v) => Math.round(v * 255));
    expect(await native.classify({ data: bytes, count: 3 })).toEqual(await native.classify({ data: floats, count: 3 }));
  });

  it('rejects bad inputs with errors naming them', async () => {
    await expect(native.classify('/nonexistent/a.png')).rejects.toThrow(/\/nonexistent\/a.png: cannot read \(no such file\)/);
    await expect(native.classify(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(LettersError);
    await expect(native.classify({ data: new Float32Array(700), count: 1 })).rejects.toThrow(/700 values for 1 images/);
    await expect(native.classify({ data: new Uint8Array(10), width: 3, height: 3 })).rejects.toThrow(/input 0:/);
  });

  it('refuses files that are not ONNX models', async () => {
    await expect(Classifier.create('/nonexistent/model.onnx')).rejects.toThrow(/model.onnx: cannot read \(no such file\); pass an \.onnx file/);
    await expect(Classifier.create(new TextEncoder().encode('not a model'))).rejects.toThrow(LettersError);
  });

  it('refuses a second onnxruntime-web thread count in one process', async () => {
    await expect(Classifier.create(model.onnx, { runtime: 'web', threads: 2 })).rejects.toThrow(/--threads 2: onnxruntime-web already runs with 1 thread/);
  });

  it('finishes queued work on close and refuses calls afterwards', async () => {
    const classifier = await Classifier.create(model.onnx, { threads: 1 });
    const pending = classifier.probabilities(randomImages(10));
    await classifier.close();
    expect(await pending).toHaveLength(270);
    await expect(classifier.probabilities(randomImages(1))).rejects.toThrow(/closed/);
  });
});
