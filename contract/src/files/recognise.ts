import { readFile, stat } from 'node:fs/promises';
import { MAX_ONNX_BYTES, METADATA_KEYS } from '../contract.ts';

/** Whether `path` is an ONNX file letters exported: it carries the `letters.labels` metadata entry. */
export async function isLettersOnnx(path: string): Promise<boolean> {
  const info = await stat(path);
  if (!info.isFile() || info.size > MAX_ONNX_BYTES) return false;
  return (await readFile(path)).includes(METADATA_KEYS.labels);
}
