import { access, constants, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LettersError } from '@letters/contract';
import { writeFileAtomic } from '@letters/contract/node';
import { exportToOnnx, sourceModelHash, type ExportOptions, type ExportReport } from '@letters/export';
import { loadModel, readModelExtras } from '@letters/training';

export interface ModelDirExportReport extends ExportReport {
  modelDir: string;
  output: string;
}

/**
 * Fails early, before any work, when `out` cannot be written: it is a directory, or its nearest
 * existing ancestor is not a writable directory.
 */
export async function checkWritable(out: string): Promise<void> {
  const target = await stat(out).catch(() => undefined);
  if (target?.isDirectory()) throw new LettersError(`${out}: is a directory; pass a file name such as ${out}/model.onnx`);
  let dir = dirname(resolve(out));
  for (;;) {
    const info = await stat(dir).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) throw new LettersError(`${out}: cannot be written, ${dir} is not a directory; choose another -o path`);
      await access(dir, constants.W_OK).catch((error: Error) => {
        throw new LettersError(`${out}: cannot be written (${dir} is not writable); choose another -o path`, { cause: error });
      });
      return;
    }
    dir = dirname(dir);
  }
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
  await checkWritable(out);
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
