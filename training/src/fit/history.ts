import type { CallbackState, ResumableCallback } from './callback.ts';

/** One completed epoch; the shape of history.json's entries (charts read the same fields). */
export interface EpochLog {
  /** 1-based. */
  readonly epoch: number;
  /** Mean training loss and accuracy over the epoch's batches (training mode: dropout on). */
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly learningRate: number;
  /** Wall time of the epoch, validation included. */
  readonly seconds: number;
}

/** history.json. */
export interface TrainingHistory {
  readonly epochs: readonly EpochLog[];
  /** Why training ended before the planned epochs (early stopping, budget), if it did. */
  readonly stopReason?: string;
}

/** Records every epoch (always installed by fit, as in Keras); its records survive a resume. */
export class History implements ResumableCallback {
  readonly stateKey = 'history';
  readonly epochs: EpochLog[] = [];

  onEpochEnd(log: EpochLog): void {
    this.epochs.push(log);
  }

  saveState(): CallbackState {
    return { json: this.epochs };
  }

  restoreState(state: CallbackState): void {
    this.epochs.splice(0, this.epochs.length, ...(state.json as EpochLog[]));
  }
}
