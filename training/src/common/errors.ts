/**
 * An error the user can fix: bad input, a missing file, an option out of range.
 * The CLI prints its message as one line and exits non-zero, without a stack trace
 * unless --verbose. Messages name the file or option and say what to do.
 */
export class LettersError extends Error {
  override readonly name = 'LettersError';
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;

  constructor(message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A dataset whose files are not in the data directory: callers that can fall back to other data catch this one. */
export class DataNotFoundError extends LettersError {}

/** Wraps an error from a reader with the file it came from, unless it already names it. */
export function inFile(path: string, error: unknown): LettersError {
  const message = error instanceof Error ? error.message : String(error);
  return new LettersError(message.includes(path) ? message : `${path}: ${message}`, { cause: error });
}
