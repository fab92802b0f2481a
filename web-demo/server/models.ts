import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { LettersError } from '@letters/contract';
import { readModelInfo, type ModelInfo } from '@letters/inference';
import type { DemoModel, ModelList } from '../src/api.ts';

/** A model the demo serves: what the page sees plus the file it comes from. */
export interface ServedModel extends DemoModel {
  readonly path: string;
}

export interface ModelCatalog {
  readonly list: ModelList;
  readonly byId: ReadonlyMap<string, ServedModel>;
}

/** `A.onnx`, `a b.onnx` -> URL-safe ids, unique within the catalog. */
function uniqueId(path: string, taken: Set<string>): string {
  const stem = basename(path).replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'model';
  let id = stem;
  for (let i = 2; taken.has(id); i++) id = `${stem}-${i}`;
  taken.add(id);
  return id;
}

/** One line for the model picker's tooltip, from the export's metadata. */
function describe(info: ModelInfo): string {
  const parts: string[] = [];
  if (info.dataset) parts.push(`trained on ${info.dataset}`);
  const accuracy = info.testMetrics?.['accuracy'];
  if (typeof accuracy === 'number') parts.push(`test accuracy ${(100 * accuracy).toFixed(2)}%`);
  return parts.join(', ');
}

async function readModel(path: string, id: string): Promise<ServedModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new LettersError(`--model ${path}: cannot read it (${reason}); pass an .onnx file from \`letters export\``, {
      cause: error,
    });
  }
  const info = readModelInfo(bytes, `--model ${path}`);
  return {
    id,
    name: basename(path).replace(/\.onnx$/i, ''),
    url: `models/${encodeURIComponent(id)}.onnx`,
    labels: info.labels,
    sizeBytes: bytes.byteLength,
    precision: info.precision,
    family: basename(path).replace(/\.onnx$/i, '').replace(/\.(fp16|int8)$/, ''),
    description: describe(info),
    path,
  };
}

/**
 * Reads the models to serve. The default is the tuned model (a file name containing "tuned", as the
 * pipeline's `tuned.onnx`) when there is one, else the first given.
 */
export async function loadCatalog(paths: readonly string[]): Promise<ModelCatalog> {
  if (paths.length === 0) throw new LettersError('no models to serve: pass --model <model.onnx> (from `letters export`)');
  const taken = new Set<string>();
  const models = await Promise.all(paths.map((path) => readModel(resolve(path), uniqueId(path, taken))));
  const preferred = models.find((m) => /tuned/i.test(m.name)) ?? models[0]!;
  const publicModels = models.map(({ path: _path, ...model }) => model);
  return {
    list: { models: publicModels, defaultId: preferred.id },
    byId: new Map(models.map((m) => [m.id, m])),
  };
}
