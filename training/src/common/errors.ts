import { LettersError } from '@letters/contract';

/** A dataset whose files are not in the data directory: callers that can fall back to other data catch this one. */
export class DataNotFoundError extends LettersError {}

/** Wraps an error from a reader with the file it came from, unless it already names it. */
export function inFile(path: string, error: unknown): LettersError {
  const message = error instanceof Error ? error.message : String(error);
  return new LettersError(message.includes(path) ? message : `${path}: ${message}`, { cause: error });
}
