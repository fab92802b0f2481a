import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LETTER_CLASS_NAMES, METADATA_KEYS } from '@letters/contract';

/**
 * What is known about the model beyond its weights (a training package's model folder has these as
 * dataset.json and metrics.json); each known fact goes into the metadata.
 */
export interface ModelFacts {
  /** The data the model was trained on. */
  readonly dataset?: { readonly name: string; readonly description: string; readonly hash: string; readonly synthetic?: boolean };
  /** Test-set metrics, stored as JSON. */
  readonly metrics?: object;
}

/**
 * The input contract stored in `letters.preprocessing` when the caller gives no preprocessing of its own:
 * what the `image` tensor must hold, in one line.
 */
export function preprocessingContract([height, width, channels]: readonly number[]): string {
  return (
    `float32 NHWC [N,${height},${width},${channels}] in [0,1] (pixel/255), upright, white ink (1) on black (0), ` +
    'the letter centred and scaled as in EMNIST'
  );
}

/** Class names: given ones, else the Letters names for 27 outputs, else the class indices. */
export function classLabels(numClasses: number, given?: readonly string[]): readonly string[] {
  if (given) return given;
  if (numClasses === LETTER_CLASS_NAMES.length) return LETTER_CLASS_NAMES;
  return Array.from({ length: numClasses }, (_, i) => String(i));
}

/** sha256 over model.json and then each weights file its manifest lists, in order. */
export async function sourceModelHash(dir: string): Promise<string> {
  const modelJson = await readFile(join(dir, 'model.json'));
  const manifest = (JSON.parse(modelJson.toString('utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest;
  const hash = createHash('sha256').update(modelJson);
  for (const path of manifest.flatMap((group) => group.paths)) hash.update(await readFile(join(dir, path)));
  return hash.digest('hex');
}

export interface MetadataFacts {
  labels: readonly string[];
  /** The NHWC image shape of the input, without the batch. */
  imageShape: readonly number[];
  /** `letters.preprocessing`; default: the tensor-level contract. */
  preprocessing?: string;
  extras: ModelFacts;
  sourceModelHash?: string;
  toolkitVersion: string;
}

/** The `letters.*` metadata of an export; keys whose facts are unknown are left out. */
export function exportMetadata(facts: MetadataFacts): Record<string, string> {
  const { dataset, metrics } = facts.extras;
  const entries: [string, string | undefined][] = [
    [METADATA_KEYS.labels, JSON.stringify(facts.labels)],
    [METADATA_KEYS.preprocessing, facts.preprocessing ?? preprocessingContract(facts.imageShape)],
    [METADATA_KEYS.dataset, dataset && `${dataset.name}: ${dataset.description}${dataset.synthetic ? ' (synthetic)' : ''}`],
    [METADATA_KEYS.datasetHash, dataset?.hash],
    [METADATA_KEYS.testMetrics, metrics && JSON.stringify(metrics)],
    [METADATA_KEYS.sourceModelHash, facts.sourceModelHash],
    [METADATA_KEYS.toolkitVersion, facts.toolkitVersion],
  ];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
}
