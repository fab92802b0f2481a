import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LettersError } from '@letters/contract';
import { checkOutput, isLettersOnnx, writeFileAtomic } from '@letters/contract/node';
import { exportToOnnx, sourceModelHash, type ExportOptions, type ExportReport } from '@letters/export';
import { loadModel, readModelExtras } from '@letters/training';

export interface ModelDirExportReport extends ExportReport {
  modelDir: string;
  output: string;
}

/** The model folder's files: an export may replace none of them (an earlier .onnx export it may). */
async function modelFiles(modelDir: string): Promise<string[]> {
  const names = await readdir(modelDir).catch(() => []);
  return names.filter((name) => !name.endsWith('.onnx')).map((name) => join(modelDir, name));
}

/**
 * Exports a model directory (model.json + weights.bin, with config/metrics/dataset beside it) to one
 * verified ONNX file, written atomically: on any failure no file is left at `out`.
 */
export async function exportModelDir(
  modelDir: string,
  out: string,
  options: Omit<ExportOptions, 'extras' | 'sourceModelHash'> = {},
): Promise<ModelDirExportReport> {
  await checkOutput(out, { kind: 'file', of: 'an ONNX model letters exported', recognise: isLettersOnnx }, { inputs: [modelDir, ...(await modelFiles(modelDir))] });
  const model = await loadModel(modelDir);
  try {
    const [extras, hash] = await Promise.all([readModelExtras(modelDir), sourceModelHash(modelDir)]);
    const { onnx, report } = await exportToOnnx(model, { ...options, extras, sourceModelHash: hash });
    await writeFileAtomic(out, onnx).catch((error: Error) => {
      throw new LettersError(`${out}: cannot write the ONNX file (${error.message}); choose another -o path`, { cause: error });
    });
    return { ...report, modelDir, output: out };
  } finally {
    model.dispose();
  }
}
