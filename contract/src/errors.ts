/**
 * What went wrong, for programs that handle errors (the CLI maps kinds to exit codes, `letters serve`
 * to HTTP statuses):
 * - `usage`: an option or argument is invalid (a wrong value, a missing or conflicting option);
 * - `input`: a file, a model or data cannot be used as it is (missing, corrupt, the wrong shape);
 * - `parity`: two runtimes' outputs for the same inputs differ past the tolerance (or are not finite);
 * - `partial`: some of many inputs failed; the others were processed.
 */
export type LettersErrorKind = 'usage' | 'input' | 'parity' | 'partial';

export interface LettersErrorOptions {
  /** Default `input`. */
  readonly kind?: LettersErrorKind;
  readonly cause?: unknown;
}

/**
 * An error the user can fix: bad input, a missing file, an option out of range. Its message is one
 * line that names the file or option and says what to do; libraries throw it, applications show the
 * message (the `letters` CLI prints it without a stack trace unless --verbose and exits by `kind`).
 */
export class LettersError extends Error {
  override readonly name: string = 'LettersError';
  readonly kind: LettersErrorKind;

  constructor(message: string, options: LettersErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind ?? 'input';
  }
}
