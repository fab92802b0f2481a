import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE, METADATA_KEYS } from '@letters/contract';
import { Classifier } from '@letters/inference';
import { ortTrainer } from '../src/personalize/ort-trainer.ts';
import { personalize, type PersonalizeRuntime } from '../src/personalize/personalize.ts';
import { checkSamples, letterLabel, splitHeldOut, type Sample } from '../src/personalize/samples.ts';
import { modelWeights, personalizedModel, readPersonalization, sha256Hex } from '../src/personalize/model-file.ts';
import { decodeModel } from '../src/onnx/schema.ts';
import { randomImages, testModel } from '../../test-support/models.ts';

const sample = (label: number, seed = label): Sample => ({ label, image: randomImages(1, seed) });
const set = (counts: Record<string, number>): Sample[] =>
  Object.entries(counts).flatMap(([letter, count]) => Array.from({ length: count }, (_, i) => sample(letterLabel(letter)!, 100 * i + letterLabel(letter)!)));

describe('personalization samples', () => {
  it('refuses too few drawings, a chosen letter without drawings and bad labels, naming what to add', () => {
    expect(() => checkSamples([])).toThrow(/no drawings to learn from: draw at least 3/);
    expect(() => checkSamples(set({ A: 3, B: 2 }))).toThrow(/too few drawings of B \(2\): draw at least 3/);
    expect(() => checkSamples(set({ A: 3 }), [1, 3])).toThrow(/no drawings of C: draw at least 3/);
    expect(() => checkSamples([{ label: 27, image: new Float32Array(IMAGE_SIZE * IMAGE_SIZE) }, ...set({ A: 3 })])).toThrow(/label 27; labels are 1-26/);
    expect(() => checkSamples([{ label: 1, image: new Float32Array(10) }])).toThrow(/10 pixels, not 28x28/);
    expect(() => checkSamples(set({ A: 3, b: 4 }), [1, 2])).not.toThrow();
  });

  it('keeps about a quarter of each letter apart, the same for the same seed', () => {
    const samples = set({ A: 3, B: 5, C: 8 });
    const { train, heldOut } = splitHeldOut(samples, 7);
    const count = (list: readonly Sample[], label: number) => list.filter((s) => s.label === label).length;
    expect([1, 2, 3].map((l) => count(heldOut, l))).toEqual([1, 1, 2]);
    expect([1, 2, 3].map((l) => count(train, l))).toEqual([2, 4, 6]);
    expect(new Set([...train, ...heldOut])).toEqual(new Set(samples));
    expect(splitHeldOut(samples, 7).heldOut).toEqual(heldOut);
    expect(splitHeldOut(samples, 8).heldOut).not.toEqual(heldOut);
  });
});

describe('personalized model file', () => {
  it('replaces the weights, keeps the contract and says where it came from', async () => {
    const base = await testModel('dense', 3);
    const weights = modelWeights(base.onnx);
    const changed = new Map([...weights].slice(-1).map(([name, values]) => [name, values.map((v, i) => v + (i % 2 === 0 ? 0.3 : -0.3))]));
    const hash = await sha256Hex(base.onnx);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const onnx = personalizedModel(base.onnx, changed, { samples: 12, baseModel: 'dense.onnx', baseModelHash: hash });

    expect(readPersonalization(base.onnx)).toBeUndefined();
    expect(readPersonalization(onnx)).toEqual({ samples: 12, baseModel: 'dense.onnx', baseModelHash: hash });
    const props = new Map(decodeModel(onnx).metadataProps!.map((e) => [e.key, e.value]));
    expect(props.get(METADATA_KEYS.personalized)).toBe('true');
    expect(props.get(METADATA_KEYS.labels)).toBe(new Map(decodeModel(base.onnx).metadataProps!.map((e) => [e.key, e.value])).get(METADATA_KEYS.labels));
    const [name, values] = [...changed][0]!;
    expect(modelWeights(onnx).get(name)).toEqual(values);

    // Same contract: the Classifier loads it, and only the changed weights change the outputs.
    const images = randomImages(4, 9);
    const [before, after, same] = await Promise.all(
      [base.onnx, onnx, personalizedModel(base.onnx, new Map(), { samples: 0, baseModel: 'x', baseModelHash: hash })].map(async (bytes) => {
        const classifier = await Classifier.create(bytes, { runtime: 'node' });
        try {
          return await classifier.probabilities(images);
        } finally {
          await classifier.close();
        }
      }),
    );
    expect(same).toEqual(before);
    expect(Math.max(...after!.map((v, i) => Math.abs(v - before![i]!)))).toBeGreaterThan(1e-3);
    expect(() => personalizedModel(base.onnx, new Map([[name, new Float32Array(3)]]), { samples: 1, baseModel: 'dense.onnx', baseModelHash: hash })).toThrow(
      /3 values for a tensor of \d+/,
    );
  });
});

describe('stopping a fine-tune', () => {
  const runtime: PersonalizeRuntime = {
    trainer: (model, options) => ortTrainer(ort, model, { ...options, sessionOptions: { executionProviders: ['cpu'] } }),
    predictor: (model) => Classifier.create(model, { runtime: 'node' }),
  };

  it('ends after the step it is in; what it learnt faces the held-out check, and nothing is learnt before the first step', async () => {
    const base = await testModel('dense', 5);
    const samples = set({ A: 4, B: 4 });
    const stop = new AbortController();
    const steps: number[] = [];
    const result = await personalize(runtime, {
      base: base.onnx,
      baseName: 'dense.onnx',
      samples,
      epochs: 5,
      batchSize: 2,
      learningRate: 0.01,
      signal: stop.signal,
      onProgress: (p) => {
        steps.push(p.step);
        if (p.step === 4) stop.abort();
      },
    });
    // 6 drawings train in 3 steps an epoch: stopped in the second epoch, its loss over its one step.
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(result.stopped).toBe(true);
    expect(result.losses).toHaveLength(2);
    expect(result.message).toMatch(/^stopped in epoch 2 of 5: /);
    expect(result.accepted).toBe(result.after >= result.before);
    if (result.accepted) expect(readPersonalization(result.model)).toMatchObject({ samples: 6 });
    else expect(result.model).toBe(base.onnx);

    const before = new AbortController();
    before.abort();
    const none = await personalize(runtime, { base: base.onnx, baseName: 'dense.onnx', samples, signal: before.signal });
    expect(none).toMatchObject({ accepted: false, stopped: true, losses: [], message: 'stopped before the first step: kept the previous model' });
    expect(none.model).toBe(base.onnx);

    const finished = await personalize(runtime, { base: base.onnx, baseName: 'dense.onnx', samples, epochs: 2, batchSize: 2, signal: new AbortController().signal });
    expect(finished.stopped).toBe(false);
    expect(finished.losses).toHaveLength(2);
  });
});
