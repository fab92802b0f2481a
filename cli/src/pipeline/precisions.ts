/**
 * The pipeline's precision stage: the tuned model in every precision (float32 as exported, fp16 and
 * int8 from `letters quantize`), each run on every runtime over the same real test images.
 */
import { readFile } from 'node:fs/promises';
import { LettersError, PRECISIONS, type Precision } from '@letters/contract';
import { modelImages } from '@letters/inference';
import { stratifiedSample, type DatasetSplits } from '@letters/training';
import { notRunLines } from '../parity/runtime-columns.ts';
import { runtimeTable, type RuntimeRow } from '../parity/runtime-table.ts';
import { quantizeWithSplits, type QuantizeFileReport } from '../quantize-model-file.ts';

export interface PrecisionOutcome {
  readonly precision: Precision;
  readonly file: string;
  /** The quantization's verification (absent for float32). */
  readonly report?: QuantizeFileReport;
  /** Why `letters quantize` refused to write this precision (accuracy lost past the tolerance). */
  readonly refused?: string;
}

export interface PrecisionResults {
  readonly outcomes: readonly PrecisionOutcome[];
  readonly rows: readonly RuntimeRow[];
  /** Test images every runtime ran. */
  readonly images: number;
  readonly browser: boolean;
  readonly notRun: readonly string[];
}

/** Quantizes `onnx` (float32) next to itself as `<name>.fp16.onnx` and `<name>.int8.onnx`, then runs all on every runtime. */
export async function precisionStudy(
  onnx: string,
  splits: Pick<DatasetSplits, 'train' | 'test' | 'source'>,
  options: { readonly images: number; readonly browser: boolean; readonly seed: number },
): Promise<PrecisionResults> {
  const bytes = new Uint8Array(await readFile(onnx));
  const outcomes: PrecisionOutcome[] = [{ precision: 'fp32', file: onnx }];
  for (const precision of PRECISIONS.filter((p) => p !== 'fp32')) {
    const file = onnx.replace(/\.onnx$/, `.${precision}.onnx`);
    try {
      outcomes.push({ precision, file, report: await quantizeWithSplits(onnx, bytes, file, splits, { to: precision }) });
    } catch (error) {
      if (!(error instanceof LettersError && error.kind === 'parity')) throw error;
      outcomes.push({ precision, file, refused: error.message });
    }
  }
  const test = stratifiedSample(splits.test, options.images, options.seed);
  const rows = await runtimeTable(
    outcomes.filter((o) => !o.refused).map((o) => o.file),
    { images: modelImages({ data: test.images, count: test.count }), count: test.count, labels: test.labels, description: `${test.count} test images` },
    { browser: options.browser },
  );
  return { outcomes, rows, images: test.count, browser: options.browser, notRun: notRunLines(rows) };
}

/** The files the stage writes, for the stage cache. */
export const precisionFiles = (results: PrecisionResults): string[] => results.outcomes.filter((o) => !o.refused).map((o) => o.file);
