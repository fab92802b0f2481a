import { METADATA_KEYS } from '@letters/contract';
import { DataType, decodeModel, encodeModel } from '../onnx/schema.ts';
import { floatValues, withWeights } from '../training-graph/weights.ts';

/** Where a personalized model came from, for its `letters.*` metadata. */
export interface Personalization {
  /** Drawings it was fine-tuned on. */
  readonly samples: number;
  /** The base model's name (a file name, the demo's model name). */
  readonly baseModel: string;
  /** sha256 (hex) of the base model's ONNX bytes. */
  readonly baseModelHash: string;
}

/** sha256 of bytes as hex, with Web Crypto (in browsers and in Node). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The float32 initializers (the weights) of an ONNX model, by name. */
export function modelWeights(onnx: Uint8Array, source = 'the base model'): Map<string, Float32Array> {
  const model = decodeModel(onnx, source);
  return new Map(model.graph.initializer.filter((t) => t.dataType === DataType.FLOAT && t.name).map((t) => [t.name!, floatValues(t)]));
}

/** The personalization facts in a model's metadata, or undefined when it was not personalized. */
export function readPersonalization(onnx: Uint8Array, source = 'the model'): Personalization | undefined {
  const props = new Map((decodeModel(onnx, source).metadataProps ?? []).map((e) => [e.key, e.value]));
  if (props.get(METADATA_KEYS.personalized) !== 'true') return undefined;
  return {
    samples: Number(props.get(METADATA_KEYS.personalizedSamples)),
    baseModel: props.get(METADATA_KEYS.baseModel) ?? '',
    baseModelHash: props.get(METADATA_KEYS.baseModelHash) ?? '',
  };
}

/**
 * The base model with fine-tuned weights: the same graph, inputs and outputs (the ONNX contract), each
 * weight named in `weights` replaced (same size), and metadata saying it was personalized, on how many
 * drawings and from which base. Its other metadata (labels, preprocessing) stays.
 */
export function personalizedModel(base: Uint8Array, weights: ReadonlyMap<string, Float32Array>, facts: Personalization): Uint8Array {
  const model = withWeights(decodeModel(base, facts.baseModel), weights);
  const personal: Record<string, string> = {
    [METADATA_KEYS.personalized]: 'true',
    [METADATA_KEYS.personalizedSamples]: String(facts.samples),
    [METADATA_KEYS.baseModel]: facts.baseModel,
    [METADATA_KEYS.baseModelHash]: facts.baseModelHash,
  };
  model.metadataProps = [
    ...(model.metadataProps ?? []).filter((e) => !(e.key in personal)),
    ...Object.entries(personal).map(([key, value]) => ({ key, value })),
  ];
  return encodeModel(model);
}
