import type * as tf from '@tensorflow/tfjs';
import type { StepResult } from '../engine/train-step.ts';
import type { EpochLog } from './history.ts';

/** One optimizer step's result. */
export interface BatchLog extends StepResult {
  readonly epoch: number;
  /** 0-based within the epoch. */
  readonly batch: number;
  /** Images in this batch (the last one of an epoch may be smaller). */
  readonly size: number;
}

/** What callbacks see of a run in progress. */
export interface TrainingState {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  /** Epochs planned (1-based epoch numbers run up to this). */
  readonly epochs: number;
  readonly batchesPerEpoch: number;
  readonly batchSize: number;
  /** Images per epoch. */
  readonly trainCount: number;
  /** Completed epochs so far, including those restored on resume. */
  readonly history: readonly EpochLog[];
  /** Asks the loop to stop after the current epoch (early stopping, a time budget). */
  stop(reason: string): void;
  readonly stopReason: string | undefined;
}

/**
 * A training-loop extension point, as in Keras: every hook is optional and may be async.
 * Epoch numbers are 1-based.
 */
export interface Callback {
  onTrainBegin?(state: TrainingState): void | Promise<void>;
  onEpochBegin?(epoch: number, state: TrainingState): void | Promise<void>;
  onBatchEnd?(log: BatchLog, state: TrainingState): void | Promise<void>;
  onEpochEnd?(log: EpochLog, state: TrainingState): void | Promise<void>;
  onTrainEnd?(state: TrainingState): void | Promise<void>;
}

/** What a resumable callback carries across a restart: JSON plus, optionally, tensors (e.g. best weights). */
export interface CallbackState {
  readonly json: unknown;
  readonly tensors?: readonly tf.Tensor[];
}

/** A callback whose state is saved in the resume checkpoint after every epoch and restored on resume. */
export interface ResumableCallback extends Callback {
  /** Unique among the run's callbacks; names the state in the checkpoint. */
  readonly stateKey: string;
  saveState(): CallbackState;
  restoreState(state: CallbackState): void;
}

export function isResumable(callback: Callback): callback is ResumableCallback {
  return 'stateKey' in callback && 'saveState' in callback && 'restoreState' in callback;
}

/** Which epoch-log value a callback watches, and which direction is better. */
export type Monitor = 'valLoss' | 'valAccuracy' | 'loss' | 'accuracy';

export function monitorValue(log: EpochLog, monitor: Monitor): number {
  const value = log[monitor];
  if (value === undefined) {
    throw new Error(`callback monitors ${monitor}, but the run has no validation set; monitor 'loss' or 'accuracy'`);
  }
  return value;
}

export function isImprovement(monitor: Monitor, value: number, best: number | undefined, minDelta = 0): boolean {
  if (best === undefined) return true;
  return monitor.endsWith('ccuracy') ? value > best + minDelta : value < best - minDelta;
}
