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

/** Teach mode's progress and last result (`?teach`). */
export interface TeachState {
  readonly phase: 'idle' | 'training' | 'done' | 'error';
  /** The user's drawings kept in this browser. */
  readonly samples: number;
  /** Personalized models made from the current base (Undo goes back one). */
  readonly personalized: number;
  /** The last fine-tune's outcome or the last error, one line. */
  readonly message?: string;
  readonly accepted?: boolean;
  /** Held-out accuracy (0-1) before and after the last fine-tune. */
  readonly before?: number;
  readonly after?: number;
  readonly trained?: number;
  readonly heldOut?: number;
  readonly seconds?: number;
  readonly losses?: readonly number[];
}

declare global {
  interface Window {
    __letters?: PageState;
    __parity?: ParityResult;
    __teach?: TeachState;
  }
}
