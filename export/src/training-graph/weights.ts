import { LettersError } from '@letters/contract';
import type { OnnxModel, OnnxTensor } from '../onnx/schema.ts';

/** A float32 initializer's values. */
export function floatValues(tensor: OnnxTensor): Float32Array {
  if (tensor.rawData && tensor.rawData.byteLength > 0) return new Float32Array(tensor.rawData.slice().buffer);
  return Float32Array.from(tensor.floatData ?? []);
}

/**
 * The model with some float initializers replaced (trained weights written back into an inference model,
 * by the names the training step's state uses). Every name must exist with the same number of values.
 */
export function withWeights(model: OnnxModel, weights: ReadonlyMap<string, Float32Array>): OnnxModel {
  const found = new Set<string>();
  const initializer = model.graph.initializer.map((tensor) => {
    const values = weights.get(tensor.name ?? '');
    if (!values) return tensor;
    const size = tensor.dims.reduce((a, b) => a * Number(b), 1);
    if (values.length !== size) throw new LettersError(`weight '${tensor.name}': ${values.length} values for a tensor of ${size}`);
    found.add(tensor.name!);
    const { floatData: _dropped, ...rest } = tensor;
    return { ...rest, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
  });
  const missing = [...weights.keys()].filter((name) => !found.has(name));
  if (missing.length > 0) throw new LettersError(`the model has no weight named ${missing.map((n) => `'${n}'`).join(', ')}`);
  return { ...model, graph: { ...model.graph, initializer } };
}
