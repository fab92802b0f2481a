import { readFile, stat } from 'node:fs/promises';
import { METADATA_KEYS } from '../contract.ts';

/** Largest ONNX file searched for the letters metadata (letters models are a few MB). */
const MAX_ONNX_BYTES = 1 << 30;

/** Whether `path` is an ONNX file letters exported: it carries the `letters.labels` metadata entry. */
export async function isLettersOnnx(path: string): Promise<boolean> {
  const info = await stat(path);
  if (!info.isFile() || info.size > MAX_ONNX_BYTES) return false;
  return (await readFile(path)).includes(METADATA_KEYS.labels);
}
