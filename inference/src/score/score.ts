import pLimit from 'p-limit';
import { IMAGE_SIZE, LettersError } from '@letters/contract';
import type { Prediction } from '../classifier/classifier.ts';
import { decodeImage, type DecodeLimits } from '../classifier/decode.ts';
import type { Classifier } from '../classifier/node.ts';
import { PreprocessError, preprocessInto } from '../preprocess/index.ts';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

export interface ScoreOptions {
  /** Files decoded at the same time (default 16). */
  readonly concurrency?: number;
  /** Files per session run; also the memory bound: at most two batches are held (default 256). */
  readonly batchSize?: number;
  readonly topK?: number;
  readonly limits?: DecodeLimits;
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
  const prepare = async (start: number): Promise<PreparedBatch> => {
    const batch = files.slice(start, start + batchSize);
    const images = new Float32Array(batch.length * PIXELS);
    let count = 0;
    const rows = await Promise.all(
      batch.map((file) =>
        limit(async (): Promise<number | string> => {
          try {
            const raw = await decodeImage(file, options.limits);
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
