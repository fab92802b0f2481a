import { decodeModel, METADATA_KEYS } from '@letters/export';
import { LettersError } from '@letters/training';

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
  /** All metadata entries as stored. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Reads the metadata of ONNX bytes with the exporter's parser (onnxruntime's JS sessions do not expose
 * custom metadata). Models without `letters.labels` get their class indices as labels.
 */
export function readModelInfo(bytes: Uint8Array, source: string): ModelInfo {
  const model = decodeModel(bytes, source);
  const metadata = Object.fromEntries((model.metadataProps ?? []).map(({ key, value }) => [key, value]));
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

  const outputDims = model.graph.output[0]?.type?.tensorType?.shape?.dim ?? [];
  const classes = outputDims[outputDims.length - 1]?.dimValue ?? 0;
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
    metadata,
  };
}
