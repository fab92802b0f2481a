import { readFile } from 'node:fs/promises';
import { LettersError } from '@letters/contract';
import { decodeModel } from './onnx/schema.ts';
import { summarizeOnnx, type OnnxSummary } from './onnx/summary.ts';

/** Reads an ONNX file and summarizes its graph, metadata and parameter count. */
export async function inspectOnnxFile(path: string): Promise<OnnxSummary> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new LettersError(`${path}: cannot read (${error.code ?? error.message}); pass an .onnx file written by letters export`, {
      cause: error,
    });
  });
  return summarizeOnnx(decodeModel(bytes, path));
}
