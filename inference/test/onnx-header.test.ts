import { describe, expect, it } from 'vitest';
import { decodeModel } from '@letters/export';
import { readOnnxHeader } from '../src/classifier/onnx-header.ts';
import { testModel } from '../../test-support/models.ts';

describe('readOnnxHeader', () => {
  it('reads what the exporter wrote, as its protobuf decoder reads it', async () => {
    const { onnx } = await testModel('dense');
    const header = readOnnxHeader(onnx, 'dense.onnx');
    const model = decodeModel(onnx, 'dense.onnx');
    expect(header.irVersion).toBe(model.irVersion);
    expect(header.metadata).toEqual(Object.fromEntries(model.metadataProps!.map(({ key, value }) => [key, value])));
    expect(header.outputs).toEqual(
      model.graph.output.map((o) => ({ name: o.name, dims: o.type!.tensorType!.shape!.dim.map((d) => d.dimValue ?? d.dimParam) })),
    );
    expect(header.outputs[0]!.dims[1]).toBe(27);
  });

  it.each([
    ['random bytes', new Uint8Array([0xff, 0xff, 0xff, 0xff])],
    ['text', new TextEncoder().encode('not a model')],
    ['JSON', new TextEncoder().encode('{"json": true}')],
    ['nothing', new Uint8Array(0)],
  ])('refuses %s, naming the source', (_, bytes) => {
    expect(() => readOnnxHeader(bytes, 'junk.onnx')).toThrow(/^junk\.onnx: not an ONNX model/);
  });

  it('refuses a model cut short', async () => {
    const { onnx } = await testModel('dense');
    expect(() => readOnnxHeader(onnx.subarray(0, onnx.length - 10), 'cut.onnx')).toThrow(/^cut\.onnx: not an ONNX model \(.*past the end/);
  });
});
