import type { Ranked } from '@letters/inference';
import type { ParityResult } from './api.ts';

/** What the page exposes to end-to-end tests (and curious users in the console). */
export interface PageState {
  /** Probabilities of the last classification, one per model output. */
  readonly probabilities: readonly number[];
  readonly top: readonly Ranked[];
  readonly source: string;
  readonly modelId: string;
}

declare global {
  interface Window {
    __letters?: PageState;
    __parity?: ParityResult;
  }
}
