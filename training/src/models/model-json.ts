/**
 * The checks a model folder's model.json passes before tfjs sees it: the tfjs layers format's shape
 * (zod), and layer sizes in a range a letters model can have, because tfjs allocates every layer's
 * weights while it builds the model, before it compares them with the weights file.
 */
import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { LettersError } from '../common/index.ts';
import { describeIssues } from '../experiments/config.ts';

/** Largest model.json read; a letters model's is a few KB. */
export const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;
/** Largest weights file set; a letters model's is a few MB. */
export const MAX_WEIGHTS_BYTES = 512 * 1024 * 1024;
/** Most layers a model may have, and the largest size (units, filters, kernel, input dimension) of one. */
const MAX_LAYERS = 1024;
const MAX_LAYER_SIZE = 8192;
/** Config keys holding sizes that tfjs allocates by. */
const SIZE_KEYS = new Set(['units', 'filters', 'kernel_size', 'pool_size', 'strides', 'batch_input_shape', 'input_dim', 'output_dim', 'target_shape', 'size', 'dilation_rate']);

const dtypes = ['float32', 'int32', 'bool', 'uint8', 'float16'] as const;
const weightSpec = z.looseObject({
  name: z.string(),
  shape: z.array(z.int().min(0).max(2 ** 31)),
  dtype: z.enum(dtypes),
  quantization: z.looseObject({ dtype: z.enum(['uint8', 'uint16', 'float16']) }).optional(),
});
const modelJsonSchema = z.looseObject({
  modelTopology: z.looseObject({ class_name: z.string(), config: z.unknown() }),
  format: z.string().optional(),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()).min(1), weights: z.array(weightSpec) })).min(1),
});

/** Validates parsed model.json (at `path`, for messages) and returns it typed as tfjs' ModelJSON. */
export function checkModelJson(value: unknown, path: string): tf.io.ModelJSON {
  const parsed = modelJsonSchema.safeParse(value);
  if (!parsed.success) {
    throw new LettersError(`${describeIssues(parsed.error, path)}; not a tfjs layers model: retrain or restore it`);
  }
  let layers = 0;
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${where}[${i}]`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.class_name === 'string' && ++layers > MAX_LAYERS) {
      throw new LettersError(`${path}: more than ${MAX_LAYERS} layers; not a letters model`);
    }
    for (const [key, child] of Object.entries(record)) {
      if (SIZE_KEYS.has(key)) checkSizes(child, `${where}.${key}`, path);
      else visit(child, `${where}.${key}`);
    }
  };
  visit(parsed.data.modelTopology, 'modelTopology');
  return parsed.data as unknown as tf.io.ModelJSON;
}

/** A size field: a positive integer up to MAX_LAYER_SIZE, or a list of them (null for the batch dimension). */
function checkSizes(value: unknown, where: string, path: string): void {
  const values = Array.isArray(value) ? value : [value];
  for (const size of values) {
    if (size === null && Array.isArray(value)) continue;
    if (!(Number.isInteger(size) && (size as number) >= 1 && (size as number) <= MAX_LAYER_SIZE)) {
      throw new LettersError(`${path}: ${where} is ${JSON.stringify(value)}; layer sizes must be integers from 1 to ${MAX_LAYER_SIZE}: retrain or restore the model`);
    }
  }
}
