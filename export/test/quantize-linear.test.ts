import * as tf from '@tensorflow/tfjs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { exportToOnnx } from '../src/export-model.ts';
import { DataType, decodeModel, encodeModel, type OnnxModel } from '../src/onnx/schema.ts';
import { floatValues, initializersOf, tensorOf, intAttribute } from '../src/quantize/graph-edit.ts';
import { dequantizeValue, quantizeValue, quantParams, roundHalfToEven, WEIGHT_RANGE, type QuantType } from '../src/quantize/linear.ts';
import { fromFloat16Bits, toFloat16Bits } from '../src/quantize/float16.ts';
import { activationsToQuantize, quantizeStatic } from '../src/quantize/qdq.ts';
import { head, seeded, sequential, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);

/** x -> QuantizeLinear -> q -> DequantizeLinear -> y, with the given parameters (per tensor, or per channel on axis 1). */
function qdqModel(type: 'int8' | 'uint8', scale: Float32Array, zeroPoint: number[], width: number): OnnxModel {
  const elem = type === 'int8' ? DataType.INT8 : DataType.UINT8;
  const zero = type === 'int8' ? Int8Array.from(zeroPoint) : Uint8Array.from(zeroPoint);
  const dims = scale.length === 1 ? [] : [scale.length];
  const value = (name: string, elemType: number) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: width }] } } },
  });
  const axis = scale.length === 1 ? [] : [intAttribute('axis', 1)];
  return {
    irVersion: 8,
    opsetImport: [{ version: 17 }],
    graph: {
      name: 'qdq',
      node: [
        { name: 'q', opType: 'QuantizeLinear', input: ['x', 'scale', 'zero'], output: ['q'], attribute: axis },
        { name: 'y', opType: 'DequantizeLinear', input: ['q', 'scale', 'zero'], output: ['y'], attribute: axis },
      ],
      initializer: [tensorOf('scale', dims, DataType.FLOAT, scale), tensorOf('zero', dims, elem, zero)],
      input: [value('x', DataType.FLOAT)],
      output: [value('q', elem), value('y', DataType.FLOAT)],
    },
  };
}

async function runQdq(model: OnnxModel, x: Float32Array, width: number): Promise<{ q: number[]; y: Float32Array }> {
  const session = await InferenceSession.create(encodeModel(model));
  try {
    const out = await session.run({ x: new Tensor('float32', x, [x.length / width, width]) });
    return { q: Array.from(out['q']!.data as Int8Array | Uint8Array), y: out['y']!.data as Float32Array };
  } finally {
    await session.release();
  }
}

describe('QuantizeLinear / DequantizeLinear as onnxruntime computes them', () => {
  test('rounding is half to even, in both directions', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -3].map(roundHalfToEven)).toEqual([0, 2, 2, 0, -2, -2, 2, 3, -3]);
  });

  for (const [type, zeroPoint] of [['uint8', 128], ['uint8', 0], ['int8', -3], ['int8', 0]] as [QuantType & ('int8' | 'uint8'), number][]) {
    test(`${type} with zero point ${zeroPoint}: ties, saturation and odd scales match onnxruntime exactly`, async () => {
      // Ties at every half step (x / 0.5 = k / 2), values far past both ends, and a scale with no exact binary form.
      const ties = Array.from({ length: 81 }, (_, k) => (k - 40) * 0.25);
      const extremes = [-1e6, -300, -129.5, 127.5, 255.5, 300, 1e6];
      for (const scale of [0.5, 0.1]) {
        const x = Float32Array.from([...ties, ...extremes, ...ties.map((t) => t * 0.37)]);
        const { q, y } = await runQdq(qdqModel(type, new Float32Array([scale]), [zeroPoint], 1), x, 1);
        const expected = Array.from(x, (v) => quantizeValue(v, scale, zeroPoint, type));
        expect(q).toEqual(expected);
        expect(Array.from(y)).toEqual(expected.map((v) => dequantizeValue(v, scale, zeroPoint)));
        // Saturation happened (the test would be weak without it).
        expect(expected).toContain(type === 'uint8' ? 255 : 127);
        expect(expected).toContain(type === 'uint8' ? 0 : -128);
      }
    });
  }

  test('per-channel parameters along an axis match onnxruntime', async () => {
    const scales = Float32Array.from([0.5, 0.03, 2]);
    const x = Float32Array.from({ length: 3 * 40 }, (_, i) => ((i * 7919) % 200) / 4 - 25);
    const { q } = await runQdq(qdqModel('int8', scales, [0, 0, 0], 3), x, 3);
    expect(q).toEqual(Array.from(x, (v, i) => quantizeValue(v, scales[i % 3]!, 0, 'int8')));
  });

  test('scale and zero point: zero is exact, symmetric weights use 7 bits, an empty range gets scale 1', () => {
    const asymmetric = quantParams(-1, 3, [0, 255], false);
    expect(asymmetric.scale).toBe(Math.fround(4 / 255));
    expect(asymmetric.zeroPoint).toBe(64);
    expect(dequantizeValue(quantizeValue(0, asymmetric.scale, asymmetric.zeroPoint, 'uint8'), asymmetric.scale, asymmetric.zeroPoint)).toBe(0);
    // The range is widened to contain 0: [2, 5] quantizes as [0, 5].
    expect(quantParams(2, 5, [0, 255], false)).toEqual({ scale: Math.fround(5 / 255), zeroPoint: 0 });
    const symmetric = quantParams(-0.2, 6.4, WEIGHT_RANGE, true);
    expect(symmetric).toEqual({ scale: Math.fround(0.1), zeroPoint: 0 });
    expect(quantizeValue(6.4, symmetric.scale, 0, 'int8')).toBe(64);
    expect(quantParams(0, 0, [0, 255], false)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  test('float16 encoding rounds to nearest even and round-trips every half value', () => {
    const changed = Array.from({ length: 0x10000 }, (_, bits) => bits).filter((bits) => {
      const value = fromFloat16Bits(bits);
      return !Number.isNaN(value) && toFloat16Bits(value) !== bits;
    });
    expect(changed).toEqual([]);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to the even 1.0
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // and up to the even neighbour
    expect(toFloat16Bits(65520)).toBe(0x7c00); // past the largest half: infinity
    expect(toFloat16Bits(2 ** -25 + 2 ** -35)).toBe(0x0001); // above half the smallest subnormal rounds up
  });
});

describe('per-channel weight scales on a known layer', () => {
  test('each output channel of a Conv gets max |w| / 64, and its int8 weights dequantize within half a step', async () => {
    const model = sequential([28, 28, 1], [
      tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(5) }),
      tf.layers.flatten(),
      head(),
    ]);
    // Channels on very different scales: one scale per tensor would flatten the small ones to zero.
    const conv = model.layers.find((layer) => layer.getClassName() === 'Conv2D')!;
    const [kernel, bias] = conv.getWeights();
    conv.setWeights([tf.mul(kernel!, tf.tensor1d([1, 10, 0.01, 100, 1, 0.5])), bias!]);
    const { onnx } = await exportToOnnx(model);
    const float = decodeModel(onnx);
    const weights = floatValues(initializersOf(float.graph).get(float.graph.node.find((n) => n.opType === 'Conv')!.input[1]!)!);
    const ranges = new Map(activationsToQuantize(float.graph).map((v) => [v, { min: -1, max: 1 }]));
    const quantized = quantizeStatic(float, ranges);
    const convWeights = quantized.graph.node.find((n) => n.opType === 'Conv')!.input[1]!;
    const dequantize = quantized.graph.node.find((n) => n.opType === 'DequantizeLinear' && n.output[0] === convWeights)!;
    const tensors = initializersOf(quantized.graph);
    const [values, scaleTensor, zeros] = dequantize.input.map((name) => tensors.get(name)!);
    expect(values!.dataType).toBe(DataType.INT8);
    expect(dequantize.attribute).toEqual([intAttribute('axis', 0)]);
    const scales = floatValues(scaleTensor!);
    const perChannel = 3 * 3;
    expect(scales.length).toBe(6);
    expect(Array.from(new Int8Array(Uint8Array.from(zeros!.rawData!).buffer))).toEqual([0, 0, 0, 0, 0, 0]);
    const q = new Int8Array(Uint8Array.from(values!.rawData!).buffer);
    expect(q.length).toBe(weights.length);
    for (let c = 0; c < 6; c++) {
      const channel = weights.subarray(c * perChannel, (c + 1) * perChannel);
      const absMax = Math.max(...Array.from(channel, Math.abs));
      expect(scales[c]).toBe(Math.fround(absMax / 64));
      channel.forEach((w, i) => {
        expect(Math.abs(q[c * perChannel + i]!)).toBeLessThanOrEqual(64);
        expect(Math.abs(dequantizeValue(q[c * perChannel + i]!, scales[c]!, 0) - w)).toBeLessThanOrEqual(scales[c]! / 2 + 1e-9);
      });
    }
    expect(scales[3]! / scales[2]!).toBeGreaterThan(1000);
  });
});
