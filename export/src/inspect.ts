import { LettersError, MAX_ONNX_BYTES } from '@letters/contract';
import { readRegularFile } from '@letters/contract/node';
import { decodeModel } from './onnx/schema.ts';
import { summarizeOnnx, type OnnxSummary } from './onnx/summary.ts';

/** Reads an ONNX file and summarizes its graph, metadata and parameter count. */
export async function inspectOnnxFile(path: string): Promise<OnnxSummary> {
  const bytes = await readRegularFile(path, MAX_ONNX_BYTES, 'model file').catch((error: unknown) => {
    throw new LettersError(`${(error as Error).message}; pass an .onnx file written by letters export`, { cause: error });
  });
  return summarizeOnnx(decodeModel(bytes, path));
}
