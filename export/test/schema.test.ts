import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { LettersError } from '@letters/contract';
import { exportToOnnx } from '../src/export-model.ts';
import { decodeModel, encodeModel, DataType } from '../src/onnx/schema.ts';
import { summarizeOnnx } from '../src/onnx/summary.ts';
import { runWithOnnxruntimeNode } from '../src/verify/parity.ts';
import { head, seeded, sequential, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);

function convnet(): tf.Sequential {
  return sequential([28, 28, 1], [
    tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(31) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    head(),
  ]);
}

describe('the ONNX schema, round trip', () => {
  test('an export parses back with the contract: IR 8, opset 17, image -> probabilities, free batch', async () => {
    const model = convnet();
    const { onnx, report } = await exportToOnnx(model);
    const decoded = decodeModel(onnx);
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(decoded.producerName).toBe('letters');
    const dims = (info: (typeof decoded.graph.input)[number]) =>
      info.type!.tensorType!.shape!.dim.map((d) => d.dimParam ?? d.dimValue);
    expect(decoded.graph.input.map((i) => i.name)).toEqual(['image']);
    expect(dims(decoded.graph.input[0]!)).toEqual(['N', 28, 28, 1]);
    expect(decoded.graph.input[0]!.type!.tensorType!.elemType).toBe(DataType.FLOAT);
    expect(decoded.graph.output.map((o) => o.name)).toEqual(['probabilities']);
    expect(dims(decoded.graph.output[0]!)).toEqual(['N', 27]);
    expect(decoded.graph.node.map((n) => n.opType)).toEqual([
      'Transpose', 'Conv', 'Relu', 'MaxPool', 'Transpose', 'Flatten', 'Gemm', 'Softmax',
    ]);
    // Re-encoding what was parsed gives the same bytes: nothing is lost or invented by the schema.
    expect(Buffer.from(encodeModel(decoded)).equals(Buffer.from(onnx))).toBe(true);
    expect(report.bytes).toBe(onnx.byteLength);
  });

  test('the batch dimension is free: batches of 1 and 5 run and match tfjs', async () => {
    const model = convnet();
    const { onnx } = await exportToOnnx(model);
    for (const n of [1, 5]) {
      const batch = tf.tidy(() => tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', n).dataSync() as Float32Array);
      const actual = await runWithOnnxruntimeNode(onnx, batch, [n, 28, 28, 1]);
      const expected = tf.tidy(() => (model.predict(tf.tensor4d(batch, [n, 28, 28, 1])) as tf.Tensor).dataSync());
      expect(actual).toHaveLength(n * 27);
      actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
  });

  test('weights are stored exactly: Conv kernels as OIHW, Dense kernels as they are', async () => {
    const model = convnet();
    const { onnx } = await exportToOnnx(model);
    const initializers = new Map(decodeModel(onnx).graph.initializer.map((t) => [t.name!, t]));
    const floats = (name: string) => {
      const raw = initializers.get(name)!.rawData!;
      return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    };
    const [conv, dense] = [model.getLayer(1), model.getLayer(4)]; // 0 is the InputLayer
    const convKernel = conv.getWeights()[0]!;
    expect(initializers.get(`${conv.name}/kernel`)!.dims).toEqual([4, 1, 3, 3]);
    expect(floats(`${conv.name}/kernel`)).toEqual(tf.transpose(convKernel, [3, 2, 0, 1]).dataSync());
    expect(initializers.get(`${dense.name}/kernel`)!.dims).toEqual([784, 27]);
    expect(floats(`${dense.name}/kernel`)).toEqual(dense.getWeights()[0]!.dataSync());
  });

  test('summary: parameters equal the Keras count, op counts, metadata', async () => {
    const model = convnet();
    const { onnx, report } = await exportToOnnx(model, { labels: Array.from({ length: 27 }, (_, i) => `c${i}`) });
    const summary = summarizeOnnx(decodeModel(onnx));
    expect(summary.parameterCount).toBe(model.countParams());
    expect(report.parameterCount).toBe(model.countParams());
    expect(summary.opCounts).toEqual({ Transpose: 2, Conv: 1, Flatten: 1, Gemm: 1, MaxPool: 1, Relu: 1, Softmax: 1 });
    expect(JSON.parse(summary.metadata['letters.labels']!)).toHaveLength(27);
    expect(summary.metadata['letters.preprocessing']).toMatch(/NHWC \[N,28,28,1\] in \[0,1\]/);
    expect(summary.metadata['letters.toolkit_version']).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('bytes that are not an ONNX model give a LettersError naming the source', () => {
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 'junk.onnx')).toThrow(LettersError);
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 'junk.onnx')).toThrow(/^junk\.onnx: not an ONNX model/);
    expect(() => decodeModel(new TextEncoder().encode('{"json": true}'), 'model.json')).toThrow(/model\.json: not an ONNX model/);
  });
});
