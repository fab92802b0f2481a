import { beforeAll, describe, expect, inject, test } from 'vitest';
import { compareOutputs, IMAGE_SIZE, LettersError, METADATA_KEYS } from '@letters/contract';
import { Classifier, modelImages } from '@letters/inference';
import { stratifiedSample, type ImageSet } from '@letters/training';
import { trainedLettersModel, type TrainedLettersModel } from '../../test-support/trained-model.ts';
import { decodeModel } from '../src/onnx/schema.ts';
import { quantizeOnnx, type QuantizeOptions } from '../src/quantize/quantize-model.ts';

let trained: TrainedLettersModel;
const inputsOf = (set: ImageSet) => ({ images: modelImages({ data: set.images, count: set.count }), count: set.count, shape: [IMAGE_SIZE, IMAGE_SIZE, 1] });
let options: Pick<QuantizeOptions, 'test' | 'calibration'>;

beforeAll(async () => {
  trained = await trainedLettersModel(inject('sharedData'));
  const { train, source } = trained.data;
  // Fewer images than the CLI's defaults keep the test quick; 1500 still resolve agreement to 0.07%.
  const calibration = stratifiedSample(train, 500, 1);
  const test = stratifiedSample(trained.data.test, 1500, 1);
  options = {
    test: { inputs: { ...inputsOf(test), labels: test.labels }, name: 'byclass-letters test', hash: source.hash },
    calibration: { inputs: inputsOf(calibration), name: 'byclass-letters train (500 images)', hash: source.hash },
  };
});

/** Probabilities of a model file's bytes on onnxruntime-web (wasm, in Node) for the test images. */
async function onWeb(onnx: Uint8Array): Promise<Float32Array> {
  const classifier = await Classifier.create(onnx, { runtime: 'web' });
  try {
    return await classifier.probabilities(options.test.inputs.images);
  } finally {
    await classifier.close();
  }
}

describe('quantized models of a convnet trained on case-merged ByClass letters meet the targets', () => {
  const cases: [string, Omit<QuantizeOptions, 'test'>, number, number][] = [
    ['int8, min-max calibration', { to: 'int8', method: 'minmax' }, 0.3, 0.99],
    ['int8, percentile calibration', { to: 'int8', method: 'percentile' }, 0.3, 0.99],
    ['int8, entropy calibration', { to: 'int8', method: 'entropy' }, 0.3, 0.99],
    ['int8, dynamic', { to: 'int8', dynamic: true }, 0.3, 0.99],
    ['fp16 weights', { to: 'fp16' }, 0.55, 0.995],
    ['fp16 arithmetic', { to: 'fp16', fp16Arithmetic: true }, 0.55, 0.995],
  ];
  for (const [name, settings, maxSize, minAgreement] of cases) {
    test(`${name}: size <= ${Math.round(100 * maxSize)}%, <= 0.5 points lost, >= ${100 * minAgreement}% agreement on onnxruntime-node and -web`, async () => {
      const { onnx, report } = await quantizeOnnx(trained.onnx, { ...options, ...settings });
      const { check } = report;
      console.log(`${name}: ${JSON.stringify({ sizeRatio: report.sizeRatio, ...check })}`);
      expect(check.count).toBe(1500);
      expect(check.floatAccuracy).toBeGreaterThan(0.6); // the model learned letters: its argmaxes mean something
      expect(report.sizeRatio).toBeLessThanOrEqual(maxSize);
      expect(check.accuracyLoss).toBeLessThanOrEqual(0.5);
      expect(check.argmaxAgreement).toBeGreaterThanOrEqual(minAgreement);

      const [float, quantized] = [await onWeb(trained.onnx), await onWeb(onnx)];
      const classes = float.length / check.count;
      expect(compareOutputs(['float32', name], float, quantized, classes).argmaxAgreement).toBeGreaterThanOrEqual(minAgreement);

      const metadata = Object.fromEntries(decodeModel(onnx).metadataProps!.map((p) => [p.key, p.value]));
      expect(metadata[METADATA_KEYS.precision]).toBe(settings.to);
      expect(JSON.parse(metadata[METADATA_KEYS.quantizationDeltas]!)).toMatchObject({ argmaxAgreement: check.argmaxAgreement, images: check.count });
      expect(metadata[METADATA_KEYS.calibrationHash] !== undefined).toBe(settings.to === 'int8' && !settings.dynamic);
      expect(metadata[METADATA_KEYS.labels]).toBeDefined(); // the float model's metadata carries over
    });
  }

  test('past the tolerance, quantization refuses with the measured loss', async () => {
    // A negative tolerance cannot be met: the refusal path runs on the real measurement.
    const error = await quantizeOnnx(trained.onnx, { ...options, to: 'fp16', maxAccuracyLoss: -100 }, 'letters.onnx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LettersError);
    expect((error as LettersError).kind).toBe('parity');
    expect((error as Error).message).toMatch(/^letters\.onnx: the fp16 model loses -?\d+\.\d\d points of test accuracy .* nothing was written/);
  });

  test('an already quantized model is refused', async () => {
    const { onnx } = await quantizeOnnx(trained.onnx, { ...options, to: 'fp16' });
    await expect(quantizeOnnx(onnx, { ...options, to: 'int8' }, 'half.onnx')).rejects.toThrow(/^half\.onnx: already a fp16 model/);
  });
});
