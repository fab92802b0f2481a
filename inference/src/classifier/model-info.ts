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

  // The contract's output is [N, classes]: without the class count, nothing downstream can rank or label.
  const outputDims = outputs[0]?.dims ?? [];
  const last = outputDims[outputDims.length - 1];
  if (outputDims.length !== 2 || typeof last !== 'number' || !(last > 0)) {
    throw new LettersError(
      `${source}: the output's shape is [${outputDims.join(', ')}], not [N, classes]; export the model with \`letters export\``,
    );
  }
  const classes = last;
  const labels = parse(METADATA_KEYS.labels, isStrings) ?? Array.from({ length: classes }, (_, i) => String(i));
  if (labels.length !== classes) {
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
