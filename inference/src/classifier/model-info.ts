import { LettersError, METADATA_KEYS, PRECISIONS, type Precision } from '@letters/contract';
import { readOnnxHeader } from './onnx-header.ts';

/** What an exported model says about itself (the `letters.*` metadata keys of the ONNX contract). */
export interface ModelInfo {
  /** Class names by output index; Letters: ['', 'A', ..., 'Z']. */
  readonly labels: readonly string[];
  /** The preprocessing the model expects (`letters.preprocessing`), if stated. */
  readonly preprocessing?: string;
  readonly dataset?: string;
  readonly datasetHash?: string;
  /** `letters.test_metrics`, parsed. */
  readonly testMetrics?: Readonly<Record<string, unknown>>;
  readonly sourceModelHash?: string;
  readonly toolkitVersion?: string;
  /** `letters.precision`: fp32 unless `letters quantize` made the model. */
  readonly precision: Precision;
  /** All metadata entries as stored. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Reads the metadata of ONNX bytes (onnxruntime's JS sessions do not expose custom metadata).
 * Models without `letters.labels` get their class indices as labels.
 */
export function readModelInfo(bytes: Uint8Array, source: string): ModelInfo {
  const { metadata, outputs } = readOnnxHeader(bytes, source);
  const parse = <T>(key: string, check: (value: unknown) => value is T): T | undefined => {
    const text = metadata[key];
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!check(value)) throw new LettersError(`${source}: metadata ${key} is not valid; re-export the model`);
    return value;
  };
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

  const outputDims = outputs[0]?.dims ?? [];
  const last = outputDims[outputDims.length - 1];
  const classes = typeof last === 'number' ? last : 0;
  const labels = parse(METADATA_KEYS.labels, isStrings) ?? Array.from({ length: classes }, (_, i) => String(i));
  if (classes > 0 && labels.length !== classes) {
    throw new LettersError(
      `${source}: metadata letters.labels names ${labels.length} classes, the model outputs ${classes}; re-export the model`,
    );
  }
  return {
    labels,
    preprocessing: metadata[METADATA_KEYS.preprocessing],
    dataset: metadata[METADATA_KEYS.dataset],
    datasetHash: metadata[METADATA_KEYS.datasetHash],
    testMetrics: parse(METADATA_KEYS.testMetrics, isObject),
    sourceModelHash: metadata[METADATA_KEYS.sourceModelHash],
    toolkitVersion: metadata[METADATA_KEYS.toolkitVersion],
    precision: PRECISIONS.find((p) => p === metadata[METADATA_KEYS.precision]) ?? 'fp32',
    metadata,
  };
}
