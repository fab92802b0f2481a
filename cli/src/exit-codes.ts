import type { LettersErrorKind } from '@letters/contract';

/**
 * The `letters` CLI's exit codes: 0 success; by error kind, 1 bad input, 2 bad usage, 3 some inputs
 * failed (the rest are done), 4 parity past tolerance; 1 for an unexpected error; 128 + the signal
 * number when interrupted (130 Ctrl-C, 143 SIGTERM).
 */
export const EXIT_CODES: Readonly<Record<LettersErrorKind, number>> = {
  input: 1,
  usage: 2,
  partial: 3,
  parity: 4,
};

export const UNEXPECTED_ERROR_EXIT_CODE = 1;

export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
