import pLimit from 'p-limit';
import { IMAGE_SIZE, LettersError } from '@letters/contract';
import type { Prediction } from '../classifier/classifier.ts';
import { decodeCost, decodeImage, readImage, type DecodeLimits } from '../classifier/decode.ts';
import type { Classifier } from '../classifier/node.ts';
import { PreprocessError, preprocessInto } from '../preprocess/index.ts';
import { MemoryBudget } from './memory-budget.ts';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** Default bytes that the images being decoded at the same time may hold (see decodeCost). */
export const DEFAULT_DECODE_BUDGET = 256 * 1024 * 1024;

export interface ScoreOptions {
  /** Files decoded at the same time (default 16). */
  readonly concurrency?: number;
  /** Files per session run; also the memory bound: at most two batches are held (default 256). */
  readonly batchSize?: number;
  readonly topK?: number;
  readonly limits?: DecodeLimits;
  /**
   * Bytes the decodes running at the same time may hold (default 256 MiB): a few huge images decode
   * one or two at a time, small ones `concurrency` at a time.
   */
  readonly decodeBudget?: number;
}

/** One file's outcome, in input order: its prediction, or why it could not be scored. */
export type ScoreResult =
  | { readonly file: string; readonly prediction: Prediction; readonly error?: undefined }
  | { readonly file: string; readonly error: string; readonly prediction?: undefined };

interface PreparedBatch {
  readonly files: readonly string[];
  /** Preprocessed images of the files that decoded, in order. */
  readonly images: Float32Array;
  /** Per file: its row in `images`, or the error message. */
  readonly rows: readonly (number | string)[];
}

/**
 * Scores image files, yielding one result per file in input order. Batches of `batchSize` files are
 * decoded (`concurrency` at a time) and preprocessed while the previous batch runs in the
 * session, so memory stays bounded by two batches whatever the number of files. A file that cannot
 * be read or decoded yields an error result; the run goes on.
 */
export async function* scoreFiles(
  classifier: Classifier,
  files: readonly string[],
  options: ScoreOptions = {},
): AsyncGenerator<ScoreResult> {
  const batchSize = options.batchSize ?? 256;
  const limit = pLimit(options.concurrency ?? 16);
  const budget = new MemoryBudget(options.decodeBudget ?? DEFAULT_DECODE_BUDGET);
  const decode = async (file: string) => {
    const bytes = await readImage(file, options.limits);
    try {
      return await budget.run(await decodeCost(bytes), () => decodeImage(bytes, options.limits, file));
    } catch {
      // libvips keeps one error buffer for all threads: a failure beside other decodes may carry their
      // message. Decoded alone, the file gets its own (or, if another's failure failed it, decodes).
      return budget.run(Infinity, () => decodeImage(bytes, options.limits, file));
    }
  };
  const prepare = async (start: number): Promise<PreparedBatch> => {
    const batch = files.slice(start, start + batchSize);
    const images = new Float32Array(batch.length * PIXELS);
    let count = 0;
    const rows = await Promise.all(
      batch.map((file) =>
        limit(async (): Promise<number | string> => {
          try {
            const raw = await decode(file);
            const row = count++;
            preprocessInto(raw, images, row * PIXELS);
            return row;
          } catch (error) {
            if (error instanceof LettersError) return error.message;
            if (error instanceof PreprocessError) return `${file}: ${error.message}`;
            throw error;
          }
        }),
      ),
    );
    return { files: batch, images: images.subarray(0, count * PIXELS), rows };
  };

  let next: Promise<PreparedBatch> | undefined = files.length > 0 ? prepare(0) : undefined;
  for (let start = 0; next; start += batchSize) {
    const batch: PreparedBatch = await next;
    next = start + batchSize < files.length ? prepare(start + batchSize) : undefined;
    // Keep the prefetch's rejection (a bug, not a bad file) from being unhandled while this batch runs.
    next?.catch(() => {});
    const count = batch.images.length / PIXELS;
    const predictions = classifier.rank(await classifier.probabilities(batch.images), count, options.topK);
    for (const [i, file] of batch.files.entries()) {
      const row = batch.rows[i]!;
      yield typeof row === 'number' ? { file, prediction: predictions[row]! } : { file, error: row };
    }
  }
}
