import * as tf from '@tensorflow/tfjs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LettersError, writeDirAtomic, writeFileAtomic } from '../common/index.ts';
import { readDataFile } from '../data/limits.ts';
import type { DatasetSource } from '../data/types.ts';
import type { TrainingHistory } from '../fit/history.ts';
import { checkModelJson, MAX_MODEL_JSON_BYTES, MAX_WEIGHTS_BYTES } from './model-json.ts';

/** Loss and accuracy of a model on one split, as stored in metrics.json. */
export interface EvaluationMetrics {
  readonly split: 'train' | 'validation' | 'test';
  readonly count: number;
  /** Mean sparse categorical cross-entropy. */
  readonly loss: number;
  readonly accuracy: number;
}

/** The files stored beside model.json and weights.bin; each is optional. */
export interface ModelExtras {
  /** config.json: the model/experiment config the model was trained from. */
  readonly config?: object;
  /** history.json: per-epoch loss and accuracy. */
  readonly history?: TrainingHistory;
  /** metrics.json: test-set metrics. */
  readonly metrics?: EvaluationMetrics;
  /** dataset.json: the data the model was trained on. */
  readonly dataset?: DatasetSource;
}

const EXTRA_FILES = {
  config: 'config.json',
  history: 'history.json',
  metrics: 'metrics.json',
  dataset: 'dataset.json',
} as const satisfies Record<keyof ModelExtras, string>;

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * Saves a model directory: model.json + weights.bin (the tfjs layers format, readable by
 * tf.loadLayersModel) and the extras. The directory is built under a temporary name and renamed
 * into place, so readers see the old complete model or the new complete model, never a mix.
 */
export async function saveModel(model: tf.LayersModel, dir: string, extras: ModelExtras = {}): Promise<void> {
  const files = await modelFiles(model);
  await writeDirAtomic(dir, 'model', async (tmp) => {
    for (const [name, data] of files) await writeFileAtomic(join(tmp, name), data);
    for (const [key, name] of Object.entries(EXTRA_FILES)) {
      const value = extras[key as keyof ModelExtras];
      if (value !== undefined) await writeFileAtomic(join(tmp, name), `${JSON.stringify(value, null, 2)}\n`);
    }
  });
}

/** Adds or replaces one extra file (e.g. metrics.json after evaluation) in an existing model directory. */
export async function saveModelExtra<K extends keyof ModelExtras>(
  dir: string,
  key: K,
  value: NonNullable<ModelExtras[K]>,
): Promise<void> {
  await writeFileAtomic(join(dir, EXTRA_FILES[key]), `${JSON.stringify(value, null, 2)}\n`);
}

/** model.json and weights.bin of a model, as tfjs' own file format. */
async function modelFiles(model: tf.LayersModel): Promise<Map<string, string | Uint8Array>> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save({
    save: async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  if (artifacts?.weightData === undefined || artifacts.weightSpecs === undefined) {
    throw new Error('tfjs returned no weights when saving the model');
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
  };
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  return new Map<string, string | Uint8Array>([
    [MODEL_JSON, JSON.stringify(modelJson)],
    [WEIGHTS_BIN, weights],
  ]);
}

/** Loads the model a directory written by saveModel (or any tfjs layers model directory) holds. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const modelPath = join(dir, MODEL_JSON);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) {
    throw new LettersError(`${dir}: no such model directory; train one with \`letters train --out ${dir}\``);
  }
  const modelJson = checkModelJson(await readJsonFile(modelPath, 'required'), modelPath);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const expected = specs.reduce((sum, spec) => sum + weightBytes(spec), 0);
    if (expected > MAX_WEIGHTS_BYTES) {
      throw new LettersError(`${modelPath}: the weights manifest describes ${expected} bytes, more than the limit of ${MAX_WEIGHTS_BYTES}; not a letters model`);
    }
    const buffers = [];
    for (const path of manifest.flatMap((group) => group.paths)) buffers.push(await readWeightsFile(dir, path, expected));
    const data = tf.io.CompositeArrayBuffer.join(buffers);
    if (data.byteLength !== expected) {
      const files = manifest.flatMap((group) => group.paths).join(', ');
      throw new LettersError(
        `${join(dir, files)}: ${data.byteLength} bytes, but ${modelPath} describes ${expected}; ` +
          'the model directory is corrupt: retrain or restore it',
      );
    }
    return [specs, data];
  });
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new LettersError(`${modelPath}: tfjs cannot build this model (${(error as Error).message}); retrain it`, {
      cause: error,
    });
  }
}

/** The extras beside a model (config, history, metrics, dataset); absent files are undefined. */
export async function readModelExtras(dir: string): Promise<ModelExtras> {
  const entries = await Promise.all(
    Object.entries(EXTRA_FILES).map(async ([key, name]) => [key, await readJsonFile(join(dir, name), 'optional')] as const),
  );
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as ModelExtras;
}

async function readJsonFile<T>(path: string, presence: 'required'): Promise<T>;
async function readJsonFile<T>(path: string, presence: 'optional'): Promise<T | undefined>;
async function readJsonFile<T>(path: string, presence: 'required' | 'optional'): Promise<T | undefined> {
  let text: string;
  try {
    text = new TextDecoder().decode(await readDataFile(path, MAX_MODEL_JSON_BYTES));
  } catch (error) {
    if ((error as Error).cause !== undefined && ((error as Error).cause as NodeJS.ErrnoException).code === 'ENOENT' && presence === 'optional') return undefined;
    throw new LettersError(`${(error as Error).message}; is this a model directory from letters train?`, { cause: error });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new LettersError(`${path}: not valid JSON (${(error as Error).message}); the model directory is corrupt`, {
      cause: error,
    });
  }
}

async function readWeightsFile(dir: string, path: string, maxBytes: number): Promise<ArrayBuffer> {
  // Manifest paths are file names beside model.json; anything else is not a model this toolkit wrote.
  if (path.includes('/') || path.includes('\\') || path.startsWith('.')) {
    throw new LettersError(`${join(dir, MODEL_JSON)}: weights path "${path}" is not a file beside model.json`);
  }
  const file = join(dir, path);
  try {
    const bytes = await readDataFile(file, maxBytes);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  } catch (error) {
    throw new LettersError(`${(error as Error).message}; the weights of ${join(dir, MODEL_JSON)} are not readable: retrain or restore the model`, {
      cause: error,
    });
  }
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

function weightBytes(spec: tf.io.WeightsManifestEntry): number {
  const elements = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return elements * (BYTES_PER_ELEMENT[dtype] ?? 4);
}
